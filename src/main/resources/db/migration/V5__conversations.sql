-- Conversation memory. Each chat has at most one current conversation (ended_at IS NULL); /new
-- ends it and the next answer starts another. Old conversations stay until retention deletes them
-- by last activity (conversation_turns go with them).
CREATE TABLE conversations (
    id               BIGSERIAL    PRIMARY KEY,
    chat_id          BIGINT       NOT NULL,
    started_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_activity_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    ended_at         TIMESTAMPTZ,
    -- input tokens the API counted / tokens estimated from text length, for the last answer
    token_ratio      DOUBLE PRECISION
);

CREATE UNIQUE INDEX idx_conversations_current ON conversations (chat_id) WHERE ended_at IS NULL;
CREATE INDEX idx_conversations_last_activity ON conversations (last_activity_at);

-- One message of a conversation, in order (seq). The text is AES-256-GCM encrypted with the key
-- ring; chat id, conversation id, seq and role are bound as associated data, so a row moved to
-- another chat, conversation or position fails to decrypt.
CREATE TABLE conversation_turns (
    conversation_id BIGINT       NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER      NOT NULL,
    role            VARCHAR(16)  NOT NULL CHECK (role IN ('user', 'assistant')),
    ciphertext      TEXT         NOT NULL,
    iv              TEXT         NOT NULL,
    tag             TEXT         NOT NULL,
    key_version     VARCHAR(32)  NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, seq)
);

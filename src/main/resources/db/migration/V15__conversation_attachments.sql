-- The photos and documents a user sent with a message of a conversation, as the Messages API content
-- block that carries each (image or document, base64 or text), so that a follow-up question about them
-- re-sends them while they fit the token budget. Sealed with the key ring (AES-256-GCM), bound to the
-- chat, the conversation, the turn and the position; deleted with the turn and its conversation.
CREATE TABLE conversation_attachments (
    conversation_id BIGINT   NOT NULL,
    seq             INTEGER  NOT NULL,
    position        INTEGER  NOT NULL,
    payload         TEXT     NOT NULL,
    -- input tokens as Anthropic estimates them for images and PDFs (counted once, when stored)
    tokens          INTEGER  NOT NULL,
    PRIMARY KEY (conversation_id, seq, position),
    FOREIGN KEY (conversation_id, seq) REFERENCES conversation_turns (conversation_id, seq) ON DELETE CASCADE
);

-- Long-term memory: the notes Claude saved about a chat (save_memory), kept until the chat or
-- Claude deletes them (/forget, delete_memory); neither conversation retention nor /new touches
-- them. The text is AES-256-GCM encrypted with the key ring, bound to the chat and the note
-- ('memory:<chat_id>:<id>'), so a row moved to another chat or id fails to decrypt. tokens is the
-- estimated size of the text (ContextWindow.estimate), which bounds a chat's notes (MEMORY_MAX_TOKENS)
-- without decrypting them; the ciphertext's length tells as much.
CREATE TABLE memory_notes (
    id          BIGSERIAL    PRIMARY KEY,
    chat_id     BIGINT       NOT NULL,
    tokens      INTEGER      NOT NULL CHECK (tokens >= 0),
    ciphertext  TEXT         NOT NULL,
    iv          TEXT         NOT NULL,
    tag         TEXT         NOT NULL,
    key_version VARCHAR(32)  NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX idx_memory_notes_chat ON memory_notes (chat_id, id);

-- Edits of messages (edited_message): an edit of a message already answered is answered again, once,
-- as a reply to the edited message. One row per edit Telegram sent (chat, message, edit_date): a
-- redelivered update finds its row and is not answered twice. The new text itself goes into the inbox
-- (encrypted) as a message of the chat with a negative id, in the transaction that writes this row.
CREATE TABLE telegram_edits (
    chat_id     BIGINT       NOT NULL,
    message_id  BIGINT       NOT NULL,
    edit_date   BIGINT       NOT NULL,
    received_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (chat_id, message_id, edit_date)
);

CREATE INDEX idx_telegram_edits_received ON telegram_edits (received_at);

-- the Telegram message a message of the bot replies to (reply_to_message_id), kept across a restart
ALTER TABLE telegram_inbox ADD COLUMN reply_to BIGINT;
ALTER TABLE telegram_outbox ADD COLUMN reply_to BIGINT;

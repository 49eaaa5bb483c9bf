-- Every handled Telegram message, keyed by chat and message id, so that a redelivery after a
-- restart is skipped and a message recorded but never answered is finished on startup.
CREATE TABLE telegram_inbox (
    chat_id        BIGINT       NOT NULL,
    message_id     BIGINT       NOT NULL,
    correlation_id VARCHAR(64)  NOT NULL,
    user_id        VARCHAR(64),
    payload        TEXT,
    state          VARCHAR(16)  NOT NULL DEFAULT 'received' CHECK (state IN ('received', 'answered')),
    received_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    answered_at    TIMESTAMPTZ,
    PRIMARY KEY (chat_id, message_id)
);

CREATE INDEX idx_telegram_inbox_pending ON telegram_inbox (received_at) WHERE state = 'received';

-- Every message part the bot sends. A reply's parts are written (encrypted) when it is ready, in
-- the same transaction that marks its inbox message answered; each chat's parts are sent in order,
-- one at a time, and a part is marked sent as soon as Telegram confirms it. After a restart every
-- pending part is sent. A part Telegram refuses for good (400, 403) is closed with the reason.
CREATE TABLE telegram_outbox (
    id              BIGSERIAL    PRIMARY KEY,
    chat_id         BIGINT       NOT NULL,
    part_no         INT          NOT NULL,
    correlation_id  VARCHAR(64),
    payload         TEXT,
    edit_of         BIGINT,
    state           VARCHAR(16)  NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INT          NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ  NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    finished_at     TIMESTAMPTZ,
    reason          VARCHAR(300)
);

CREATE INDEX idx_telegram_outbox_pending ON telegram_outbox (id) WHERE state = 'pending';
CREATE INDEX idx_telegram_outbox_finished ON telegram_outbox (finished_at) WHERE state <> 'pending';
CREATE INDEX idx_telegram_inbox_answered ON telegram_inbox (answered_at) WHERE state = 'answered';

-- The promise in "Claude is temporarily unavailable. I'll keep trying and let you know when it's back."
-- (issue 24): each chat told so (failure kinds overloaded and timeout) keeps its unanswered question
-- here until Claude is back (routes/claude-retries.camel.yaml, retries/ClaudeRetryDelivery).
--
-- At most one pending row per chat: a newer unanswered question replaces the older one (closed as
-- 'cancelled', reason 'superseded'), so a chat gets one "back" line and the answer to its latest
-- question. The text is AES-256-GCM encrypted with the key ring in one sealed column, bound to
-- 'claude_retry:' || chat_id || ':' || id, and erased when the row is closed: a retried question lives
-- on in telegram_inbox (encrypted there), the "back" line in telegram_outbox.
--
-- When Claude is back, ONE transaction per chat locks its pending row (FOR UPDATE SKIP LOCKED), closes
-- it ('sent', 'expired' older than RETRY_WITHIN_HOURS, or 'cancelled' by the budget or a chat no longer
-- allowed), writes the "back" line into telegram_outbox and, for 'sent', the question into telegram_inbox
-- as a message of the chat with a negative message id taken from reminder_firing_seq (V10): the one
-- sequence of the messages the bot records itself, so a reminder's and a retry's ids never clash.
-- /new closes the chat's pending row ('cancelled', reason 'new_conversation').
CREATE TABLE claude_retries (
    id             BIGSERIAL    PRIMARY KEY,
    chat_id        BIGINT       NOT NULL,
    user_id        VARCHAR(64),
    correlation_id VARCHAR(64),
    failure_kind   VARCHAR(16)  NOT NULL CHECK (failure_kind IN ('overloaded', 'timeout')),
    payload        TEXT,
    state          VARCHAR(16)  NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'sent', 'expired', 'cancelled')),
    close_reason   VARCHAR(32),
    asked_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    closed_at      TIMESTAMPTZ
);

CREATE UNIQUE INDEX ux_claude_retries_pending ON claude_retries (chat_id) WHERE state = 'pending';
CREATE INDEX idx_claude_retries_closed ON claude_retries (closed_at) WHERE state <> 'pending';

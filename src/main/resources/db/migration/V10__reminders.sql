-- Reminders of each chat (tools schedule_reminder, list_reminders, cancel_reminder; /reminders).
-- The text is AES-256-GCM encrypted with the key ring in one sealed column, bound to
-- 'reminder:' || chat_id || ':' || id, so a row moved to another chat or id fails to decrypt; it is
-- erased when the reminder is done (fired for the last time, or cancelled): its delivery lives on
-- in telegram_outbox or telegram_inbox, encrypted there.
--
-- due_at is the next time it fires; anchor_at the first time it was asked for: a repeating reminder's
-- next time keeps the anchor's local time (and day of month, clamped) in ASSISTANT_TIMEZONE.
-- The scheduler claims due rows (state 'pending', due_at <= now) with FOR UPDATE SKIP LOCKED and,
-- in the same transaction, writes the reminder's outbox message (or, with ask_claude, its inbox
-- record) and moves the row on: 'fired', or due_at to the next occurrence.
CREATE TABLE reminders (
    id           BIGSERIAL    PRIMARY KEY,
    chat_id      BIGINT       NOT NULL,
    user_id      VARCHAR(64),
    payload      TEXT,
    due_at       TIMESTAMPTZ  NOT NULL,
    anchor_at    TIMESTAMPTZ  NOT NULL,
    repeat       VARCHAR(16)  CHECK (repeat IN ('daily', 'weekdays', 'weekly', 'monthly')),
    ask_claude   BOOLEAN      NOT NULL DEFAULT false,
    state        VARCHAR(16)  NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired', 'cancelled')),
    fire_count   INT          NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    fired_at     TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ
);

CREATE INDEX idx_reminders_due ON reminders (due_at) WHERE state = 'pending';
CREATE INDEX idx_reminders_chat ON reminders (chat_id) WHERE state = 'pending';

-- The message ids of reminders handed to Claude (ask_claude), recorded in telegram_inbox as the
-- negative of this sequence: Telegram's message ids are positive, so they never clash.
CREATE SEQUENCE reminder_firing_seq;

-- Claude's usage per UTC day, chat and model: tokens as the Messages API reports them and their cost
-- at the configured prices (issue 14). Metadata only: no text of any conversation.
CREATE TABLE claude_usage (
    day                DATE          NOT NULL,
    chat_id            BIGINT        NOT NULL,
    model              VARCHAR(100)  NOT NULL,
    input_tokens       BIGINT        NOT NULL DEFAULT 0,
    output_tokens      BIGINT        NOT NULL DEFAULT 0,
    cache_write_tokens BIGINT        NOT NULL DEFAULT 0,
    cache_read_tokens  BIGINT        NOT NULL DEFAULT 0,
    cost_usd           NUMERIC(18,8) NOT NULL DEFAULT 0,
    answers            BIGINT        NOT NULL DEFAULT 0,
    PRIMARY KEY (day, chat_id, model)
);

-- The owner's budget messages, sent once a month each ('warning' at 80 %, 'exhausted' at 100 %).
CREATE TABLE usage_alerts (
    month   CHAR(7)      NOT NULL,
    kind    VARCHAR(16)  NOT NULL,
    sent_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (month, kind)
);

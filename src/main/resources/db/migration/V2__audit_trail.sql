-- What the bot did, linked by correlation id; kept AUDIT_RETENTION_DAYS days.
CREATE TABLE audit_trail (
    id             BIGSERIAL    PRIMARY KEY,
    correlation_id VARCHAR(64),
    user_id        VARCHAR(64),
    action         VARCHAR(64)  NOT NULL,
    source         VARCHAR(32),
    model          VARCHAR(128),
    metadata       JSONB        NOT NULL DEFAULT '{}'::jsonb,
    status         VARCHAR(16)  NOT NULL CHECK (status IN ('success', 'error', 'timeout')),
    error_message  TEXT,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX idx_audit_trail_created_at ON audit_trail (created_at);
CREATE INDEX idx_audit_trail_correlation_id ON audit_trail (correlation_id);

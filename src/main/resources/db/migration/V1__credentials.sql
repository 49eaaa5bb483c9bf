-- Encrypted credentials: AES-256-GCM, name and key version bound as associated data.
CREATE TABLE credentials (
    id          BIGSERIAL    PRIMARY KEY,
    name        VARCHAR(128) NOT NULL UNIQUE,
    ciphertext  TEXT         NOT NULL,
    iv          TEXT         NOT NULL,
    tag         TEXT         NOT NULL,
    key_version VARCHAR(32)  NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX idx_credentials_key_version ON credentials (key_version);

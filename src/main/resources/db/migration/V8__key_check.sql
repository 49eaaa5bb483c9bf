-- One small known record per key version, AES-256-GCM encrypted under that key (bound to
-- "key-check:<version>"). A start checks ENCRYPTION_KEY against it before anything else touches the
-- database: a key that does not open it is refused (exit code 2) instead of setting rows aside as
-- unreadable. `credentials rotate` records the new key and, once every row is under it, removes the
-- rows of the earlier keys. Nothing secret: the plaintext is a fixed text.
CREATE TABLE key_check (
    key_version VARCHAR(32)  PRIMARY KEY,
    ciphertext  TEXT         NOT NULL,
    iv          TEXT         NOT NULL,
    tag         TEXT         NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

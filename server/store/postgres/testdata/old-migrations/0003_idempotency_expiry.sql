-- Idempotency records expire and are bounded per principal (see the SQLite
-- store's 0007_idempotency_expiry).
ALTER TABLE idempotency ADD COLUMN principal TEXT NOT NULL DEFAULT '';

DELETE FROM idempotency WHERE scope LIKE 'portal:%';

UPDATE idempotency SET principal = split_part(scope, ' ', 1);

CREATE INDEX idempotency_principal ON idempotency (principal, created_at);
CREATE INDEX idempotency_created ON idempotency (created_at);

-- Idempotency records now expire 24 hours after they were made and are
-- pruned in the background (hence the index on created_at), and each
-- names its principal, so that the records one principal holds can be
-- counted and bounded.
ALTER TABLE idempotency ADD COLUMN principal TEXT NOT NULL DEFAULT '';

-- Portal records were kept per customer, whatever the session's scope;
-- which scope made them is unknown, so they are not replayed to anyone.
DELETE FROM idempotency WHERE scope LIKE 'portal:%';

-- The backend's and the console's scopes start with the principal.
UPDATE idempotency SET principal = substr(scope, 1, instr(scope, ' ') - 1) WHERE instr(scope, ' ') > 0;

CREATE INDEX idempotency_principal ON idempotency(principal, created_at);
CREATE INDEX idempotency_created ON idempotency(created_at);

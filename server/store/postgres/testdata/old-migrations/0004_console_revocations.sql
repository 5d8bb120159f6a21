-- Console sessions signed out before they expire (see the SQLite store's
-- 0008_console_revocations): every replica refuses them from then on.
CREATE TABLE console_revocations (
  id         TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL -- Unix nanoseconds
);
CREATE INDEX console_revocations_expires ON console_revocations (expires_at);

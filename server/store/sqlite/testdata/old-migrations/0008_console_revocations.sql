-- Console sessions signed out before they expire. A session is a signed
-- cookie, not a row: this is what signing out leaves behind, so that the
-- cookie is refused from then on. A row is pruned once its session has
-- expired anyway.
CREATE TABLE console_revocations (
  id         TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL -- Unix nanoseconds
);
CREATE INDEX console_revocations_expires ON console_revocations (expires_at);

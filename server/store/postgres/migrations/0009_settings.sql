-- Settings every replica shares: the secret that signs portal sessions
-- when none is set in the environment, and the test clock's offset.
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

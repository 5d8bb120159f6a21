-- Every catalog version as it was saved, with who saved it and when, so
-- the console can show the history and restore an earlier version. The
-- catalog table keeps serving the current version; PutCatalog writes both
-- in one transaction, so the newest row here is always the current one.
CREATE TABLE catalog_versions (
  version INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL, -- Unix nanoseconds; 0 when unknown
  author  TEXT NOT NULL,    -- '' when unknown
  note    TEXT NOT NULL,
  doc     TEXT NOT NULL
);

-- The version in use when history began is its first entry, of unknown
-- author and time.
INSERT INTO catalog_versions (version, at, author, note, doc)
  SELECT version, 0, '', '', doc FROM catalog WHERE id = 1;

-- Every catalog version as it was saved, with who saved it and when (see
-- the SQLite store's 0004_catalog_history). PutCatalog writes it in the
-- same transaction as the catalog, so the newest row is the current one.
CREATE TABLE catalog_versions (
  version BIGINT PRIMARY KEY,
  at      BIGINT NOT NULL, -- Unix nanoseconds; 0 when unknown
  author  TEXT NOT NULL,   -- '' when unknown
  note    TEXT NOT NULL,
  doc     TEXT NOT NULL
);

INSERT INTO catalog_versions (version, at, author, note, doc)
  SELECT version, 0, '', '', doc FROM catalog WHERE id = 1;

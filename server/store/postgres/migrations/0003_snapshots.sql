-- Answers kept as last computed (see the SQLite store's migration of the
-- same number).
CREATE TABLE snapshots (
  customer_id     TEXT NOT NULL REFERENCES customers(id),
  kind            TEXT NOT NULL,
  scope           TEXT NOT NULL,
  catalog_version BIGINT NOT NULL,
  valid_until     BIGINT NOT NULL,
  body            BYTEA NOT NULL,
  PRIMARY KEY (customer_id, kind, scope)
);

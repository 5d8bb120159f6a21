-- Answers kept as last computed — a customer's entitlements, their portal
-- view — and given as they are while they hold: every write to what they
-- are computed from replaces them in the same transaction, and a new
-- catalog version or the passing of valid_until (a renewal, a trial's end,
-- a usage reset, a promotion's end) retires them. Without a rowid, a
-- lookup by key descends one B-tree, not an index and then the table.
CREATE TABLE snapshots (
  customer_id     TEXT NOT NULL REFERENCES customers(id),
  kind            TEXT NOT NULL,
  scope           TEXT NOT NULL,
  catalog_version INTEGER NOT NULL,
  valid_until     INTEGER NOT NULL,
  body            BLOB NOT NULL,
  PRIMARY KEY (customer_id, kind, scope)
) WITHOUT ROWID;

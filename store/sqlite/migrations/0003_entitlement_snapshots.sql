-- A customer's entitlements as last computed, answered as they are while
-- they hold: every write to what they are computed from replaces them in
-- the same transaction, a new catalog version or the passing of
-- valid_until (a renewal, a usage reset, a promotion's end) retires them.
CREATE TABLE entitlement_snapshots (
  customer_id     TEXT NOT NULL REFERENCES customers(id),
  resource_id     TEXT NOT NULL,
  catalog_version INTEGER NOT NULL,
  valid_until     INTEGER NOT NULL,
  body            BLOB NOT NULL,
  PRIMARY KEY (customer_id, resource_id)
);

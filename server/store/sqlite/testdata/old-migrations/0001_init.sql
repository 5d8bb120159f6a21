-- Objects are kept as JSON documents beside the columns that queries and
-- constraints need, so the domain can grow fields without migrations.
CREATE TABLE catalog (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  doc     TEXT NOT NULL
);

CREATE TABLE customers (
  id         TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  doc        TEXT NOT NULL
);

CREATE TABLE subscriptions (
  id          TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  product_id  TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  status      TEXT NOT NULL,
  next_due    INTEGER,
  created_at  INTEGER NOT NULL,
  doc         TEXT NOT NULL
);
CREATE INDEX subscriptions_customer ON subscriptions(customer_id, created_at);
CREATE INDEX subscriptions_product ON subscriptions(product_id);
CREATE INDEX subscriptions_due ON subscriptions(next_due) WHERE next_due IS NOT NULL;
-- The journey's core invariant, enforced where no race can slip past it:
-- at most one live subscription per customer, product and resource.
CREATE UNIQUE INDEX subscriptions_live ON subscriptions(customer_id, product_id, resource_id)
  WHERE status IN ('active', 'trialing');

CREATE TABLE promotions (
  id          TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  granted_at  INTEGER NOT NULL,
  doc         TEXT NOT NULL
);
CREATE INDEX promotions_customer ON promotions(customer_id, granted_at);

CREATE TABLE usage (
  customer_id  TEXT NOT NULL REFERENCES customers(id),
  feature_id   TEXT NOT NULL,
  resource_id  TEXT NOT NULL,
  value        INTEGER NOT NULL,
  period_start INTEGER NOT NULL,
  PRIMARY KEY (customer_id, feature_id, resource_id)
);

CREATE TABLE billing_profiles (
  customer_id TEXT PRIMARY KEY REFERENCES customers(id),
  doc         TEXT NOT NULL
);

CREATE TABLE invoices (
  id          TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  created     INTEGER NOT NULL,
  doc         TEXT NOT NULL
);
CREATE INDEX invoices_customer ON invoices(customer_id, created DESC);

CREATE TABLE idempotency (
  scope        TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status       INTEGER NOT NULL,
  body         BLOB,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);

-- Objects are kept as JSON documents beside the columns that queries and
-- constraints need, so the domain can grow fields without migrations.
-- Times are Unix nanoseconds, as in the SQLite store: exact round trips.
CREATE TABLE catalog (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL,
  doc     TEXT NOT NULL
);

CREATE TABLE customers (
  id         TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL,
  doc        TEXT NOT NULL
);

CREATE TABLE subscriptions (
  id          TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  product_id  TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  status      TEXT NOT NULL,
  next_due    BIGINT,
  created_at  BIGINT NOT NULL,
  doc         TEXT NOT NULL
);
CREATE INDEX subscriptions_customer ON subscriptions(customer_id, created_at);
CREATE INDEX subscriptions_product ON subscriptions(product_id);
CREATE INDEX subscriptions_due ON subscriptions(next_due) WHERE next_due IS NOT NULL;
-- At most one live subscription per customer, product and resource,
-- whichever replica writes it.
CREATE UNIQUE INDEX subscriptions_live ON subscriptions(customer_id, product_id, resource_id)
  WHERE status IN ('active', 'trialing');

CREATE TABLE promotions (
  id          TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  granted_at  BIGINT NOT NULL,
  doc         TEXT NOT NULL
);
CREATE INDEX promotions_customer ON promotions(customer_id, granted_at);

CREATE TABLE usage (
  customer_id  TEXT NOT NULL REFERENCES customers(id),
  feature_id   TEXT NOT NULL,
  resource_id  TEXT NOT NULL,
  value        BIGINT NOT NULL,
  period_start BIGINT NOT NULL,
  PRIMARY KEY (customer_id, feature_id, resource_id)
);

CREATE TABLE billing_profiles (
  customer_id TEXT PRIMARY KEY REFERENCES customers(id),
  doc         TEXT NOT NULL
);

-- seq orders invoices created at the same instant as they were added.
CREATE TABLE invoices (
  id          TEXT PRIMARY KEY,
  seq         BIGSERIAL NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  created     BIGINT NOT NULL,
  doc         TEXT NOT NULL
);
CREATE INDEX invoices_customer ON invoices(customer_id, created DESC, seq DESC);

CREATE TABLE idempotency (
  scope        TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status       INTEGER NOT NULL,
  body         BYTEA,
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (scope, key)
);

-- Links between Portico's objects and a billing provider's, both ways,
-- and the webhook events already handled (shared by every replica).
CREATE TABLE billing_customers (
  customer_id          TEXT PRIMARY KEY REFERENCES customers(id),
  provider_customer_id TEXT NOT NULL UNIQUE
);

CREATE TABLE billing_subscriptions (
  subscription_id          TEXT PRIMARY KEY REFERENCES subscriptions(id),
  provider_subscription_id TEXT NOT NULL UNIQUE
);

CREATE TABLE billing_events (
  id          TEXT PRIMARY KEY,
  received_at BIGINT NOT NULL
);

-- Answers kept as last computed (see the SQLite store's 0003_snapshots).
CREATE TABLE snapshots (
  customer_id     TEXT NOT NULL REFERENCES customers(id),
  kind            TEXT NOT NULL,
  scope           TEXT NOT NULL,
  catalog_version BIGINT NOT NULL,
  valid_until     BIGINT NOT NULL,
  body            BYTEA NOT NULL,
  PRIMARY KEY (customer_id, kind, scope)
);

-- Settings every replica shares: the secret that signs portal sessions
-- when none is set in the environment, and the test clock's offset.
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

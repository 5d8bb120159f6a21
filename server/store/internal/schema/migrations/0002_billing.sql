-- Links between Portico's objects and a billing provider's, both ways,
-- and the webhook events already handled (on PostgreSQL, shared by every
-- replica).
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
  received_at {{.Int64}} NOT NULL
);

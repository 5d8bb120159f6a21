-- Usage history: what was added per day, kept a row per customer,
-- feature, resource and month with a column per day (d01 … d31), so 13
-- months of a customer's feature are 13 rows whatever the traffic, and
-- adding to a day is one statement that reads nothing first.
CREATE TABLE usage_history (
  customer_id TEXT NOT NULL,
  feature_id  TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  month       {{.Int64}} NOT NULL,
  d01        {{.Int64}} NOT NULL DEFAULT 0,
  d02        {{.Int64}} NOT NULL DEFAULT 0,
  d03        {{.Int64}} NOT NULL DEFAULT 0,
  d04        {{.Int64}} NOT NULL DEFAULT 0,
  d05        {{.Int64}} NOT NULL DEFAULT 0,
  d06        {{.Int64}} NOT NULL DEFAULT 0,
  d07        {{.Int64}} NOT NULL DEFAULT 0,
  d08        {{.Int64}} NOT NULL DEFAULT 0,
  d09        {{.Int64}} NOT NULL DEFAULT 0,
  d10        {{.Int64}} NOT NULL DEFAULT 0,
  d11        {{.Int64}} NOT NULL DEFAULT 0,
  d12        {{.Int64}} NOT NULL DEFAULT 0,
  d13        {{.Int64}} NOT NULL DEFAULT 0,
  d14        {{.Int64}} NOT NULL DEFAULT 0,
  d15        {{.Int64}} NOT NULL DEFAULT 0,
  d16        {{.Int64}} NOT NULL DEFAULT 0,
  d17        {{.Int64}} NOT NULL DEFAULT 0,
  d18        {{.Int64}} NOT NULL DEFAULT 0,
  d19        {{.Int64}} NOT NULL DEFAULT 0,
  d20        {{.Int64}} NOT NULL DEFAULT 0,
  d21        {{.Int64}} NOT NULL DEFAULT 0,
  d22        {{.Int64}} NOT NULL DEFAULT 0,
  d23        {{.Int64}} NOT NULL DEFAULT 0,
  d24        {{.Int64}} NOT NULL DEFAULT 0,
  d25        {{.Int64}} NOT NULL DEFAULT 0,
  d26        {{.Int64}} NOT NULL DEFAULT 0,
  d27        {{.Int64}} NOT NULL DEFAULT 0,
  d28        {{.Int64}} NOT NULL DEFAULT 0,
  d29        {{.Int64}} NOT NULL DEFAULT 0,
  d30        {{.Int64}} NOT NULL DEFAULT 0,
  d31        {{.Int64}} NOT NULL DEFAULT 0,
  PRIMARY KEY (customer_id, feature_id, resource_id, month)
);

CREATE INDEX usage_history_month ON usage_history(month);

-- The idempotency keys of the usage events counted, kept at least a day.
CREATE TABLE usage_keys (
  key        TEXT PRIMARY KEY,
  created_at {{.Int64}} NOT NULL
);

CREATE INDEX usage_keys_created ON usage_keys(created_at);

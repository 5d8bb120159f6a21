-- Usage history: what was added per day, kept a row per customer,
-- feature, resource and month (days packs the month's days as 31 signed
-- varints), so 13 months of a customer's feature are 13 rows whatever the
-- traffic.
CREATE TABLE usage_history (
  customer_id TEXT NOT NULL,
  feature_id  TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  month       {{.Int64}} NOT NULL,
  days        {{.Bytes}} NOT NULL,
  PRIMARY KEY (customer_id, feature_id, resource_id, month)
);

CREATE INDEX usage_history_month ON usage_history(month);

-- The idempotency keys of the usage events counted, kept at least a day.
CREATE TABLE usage_keys (
  key        TEXT PRIMARY KEY,
  created_at {{.Int64}} NOT NULL
);

CREATE INDEX usage_keys_created ON usage_keys(created_at);

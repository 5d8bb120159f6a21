-- The event log: what changed, in commit order, for webhooks and the
-- event stream. Every write transaction holds the store's write lock
-- first, so seq order is commit order. dedupe is set for events sent once
-- per cause (a usage threshold per period, a trial's reminder): a second
-- insert with the same key is ignored.
CREATE TABLE events (
  seq         BIGSERIAL PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  type        TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  dedupe      TEXT UNIQUE,
  body        BYTEA NOT NULL
);

CREATE INDEX events_created ON events(created_at);

-- The host's webhook endpoints; doc is the endpoint as JSON, failing_since
-- is kept beside it so that recording an attempt rewrites no document.
CREATE TABLE webhook_endpoints (
  id            TEXT PRIMARY KEY,
  created_at    BIGINT NOT NULL,
  failing_since BIGINT NOT NULL DEFAULT 0,
  doc           TEXT NOT NULL
);

-- One event's delivery to one endpoint. A pending delivery is sent once
-- due (next_attempt_at) by the sender holding its lease (lease_until): one
-- sender at a time, another taking over when a sender dies. is_head marks
-- the oldest pending delivery of its endpoint and customer, the only one
-- that may be sent (a customer's events arrive in order): senders look at
-- heads alone, however long a dead endpoint's queue grows.
CREATE TABLE webhook_deliveries (
  endpoint_id      TEXT NOT NULL,
  seq              BIGINT NOT NULL,
  customer_id      TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending',
  attempts         BIGINT NOT NULL DEFAULT 0,
  next_attempt_at  BIGINT NOT NULL DEFAULT 0,
  lease_until      BIGINT NOT NULL DEFAULT 0,
  lease_owner      TEXT NOT NULL DEFAULT '',
  last_status_code BIGINT NOT NULL DEFAULT 0,
  last_error       TEXT NOT NULL DEFAULT '',
  delivered_at     BIGINT NOT NULL DEFAULT 0,
  is_head          BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (endpoint_id, seq)
);

CREATE INDEX webhook_deliveries_order ON webhook_deliveries(endpoint_id, customer_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_heads ON webhook_deliveries(endpoint_id, next_attempt_at, seq) WHERE status = 'pending' AND is_head = 1;
CREATE INDEX webhook_deliveries_seq ON webhook_deliveries(seq);

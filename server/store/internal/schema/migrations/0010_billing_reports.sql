-- The billing provider's outbox: reports owed to it (a metered item's
-- usage, a minimum-spend top-up), written in the transaction of what they
-- report and sent in the background. A slot holds the latest report for
-- one subscription, feature and period; version counts its writes and
-- sent_version is the last one the provider took.
CREATE TABLE billing_reports (
  slot            TEXT PRIMARY KEY,
  doc             TEXT NOT NULL,
  version         {{.Int64}} NOT NULL,
  sent_version    {{.Int64}} NOT NULL DEFAULT 0,
  attempts        {{.Int64}} NOT NULL DEFAULT 0,
  next_attempt_at {{.Int64}} NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT ''
);

CREATE INDEX billing_reports_due ON billing_reports(next_attempt_at) WHERE version > sent_version;

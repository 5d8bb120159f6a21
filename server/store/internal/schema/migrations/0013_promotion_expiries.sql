-- The promotions that will expire, until promotion.expired is sent for
-- them: the scheduler lists those due by expires_at. Filled for the
-- promotions granted before this table by the migration's step.
CREATE TABLE promotion_expiries (
  promotion_id TEXT PRIMARY KEY,
  customer_id  TEXT NOT NULL,
  expires_at   {{.Int64}} NOT NULL
);

CREATE INDEX promotion_expiries_due ON promotion_expiries(expires_at);

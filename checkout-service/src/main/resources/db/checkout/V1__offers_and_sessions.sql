-- Offer codes. `used` counts reservations and redemptions together, so "all uses taken" is one conditional update
-- (used < max_redemptions) that PostgreSQL serializes on the row: racers for the last use cannot both win.
CREATE TABLE offer_codes (
  code            text PRIMARY KEY,
  percent_off     integer NOT NULL DEFAULT 0 CHECK (percent_off BETWEEN 0 AND 100),
  amount_off      bigint  NOT NULL DEFAULT 0 CHECK (amount_off >= 0),
  -- The currency of amount_off (an amount-off code applies only in that currency); NULL for percent codes.
  currency        text,
  trial_days      integer NOT NULL DEFAULT 0 CHECK (trial_days >= 0),
  max_redemptions integer NOT NULL CHECK (max_redemptions > 0),
  used            integer NOT NULL DEFAULT 0 CHECK (used >= 0),
  expires_at      timestamptz NOT NULL,
  -- Empty: every country.
  countries       text[] NOT NULL DEFAULT '{}',
  CHECK (used <= max_redemptions)
);

-- One row per (code, user): the primary key is "one redemption per user". RESERVED while a session holds it (until
-- expires_at), REDEEMED once paid.
CREATE TABLE offer_redemptions (
  code        text NOT NULL REFERENCES offer_codes (code),
  user_id     text NOT NULL,
  session_id  text NOT NULL,
  state       text NOT NULL CHECK (state IN ('RESERVED', 'REDEEMED')),
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (code, user_id)
);
CREATE INDEX offer_redemptions_expiry ON offer_redemptions (expires_at) WHERE state = 'RESERVED';

-- Checkout sessions: the signed quote and the current step as protobuf bytes, what the payer entered, the payment.
CREATE TABLE checkout_sessions (
  id              text PRIMARY KEY,
  user_id         text NOT NULL,
  state           text NOT NULL,
  plan_id         text NOT NULL,
  country         text NOT NULL,
  device          text NOT NULL,
  offer_code      text,
  capabilities    text[] NOT NULL,
  quote           bytea NOT NULL,
  step            bytea NOT NULL,
  step_seq        integer NOT NULL,
  postal_code     text,
  vat_id          text,
  -- The payment in progress: its idempotency key (kept across retries of the same attempt), method and billing id.
  payment_key     text,
  payment_method  bytea,
  payment_id      text,
  expires_at      timestamptz NOT NULL,
  version         integer NOT NULL DEFAULT 0
);

-- The plans users were granted by paying in checkout. One row per payment (the primary key): the synchronous path
-- (SubmitStep seeing billing's answer) and the PaymentSucceeded event both grant with ON CONFLICT DO NOTHING, in the
-- transaction that completes the session, so whichever comes first grants and the other changes nothing.
CREATE TABLE entitlements (
  payment_id     text PRIMARY KEY,
  user_id        text NOT NULL,
  plan_id        text NOT NULL,
  country        text NOT NULL,
  session_id     text NOT NULL,
  granted_at     timestamptz NOT NULL,
  -- The end of the free trial the offer code gave, if it gave one.
  trial_ends_at  timestamptz,
  -- Set when the payment was refunded in full or disputed; the row stays (what was granted, and why it ended).
  revoked_at     timestamptz,
  revoked_reason text CHECK (revoked_reason IN ('REFUNDED', 'DISPUTED')),
  CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX entitlements_user ON entitlements (user_id);

-- UserDeleted finds a user's sessions.
CREATE INDEX checkout_sessions_user ON checkout_sessions (user_id);

-- billing's schema: payments, their refunds and history, idempotency keys, provider callbacks seen, and the
-- append-only double-entry ledger. Amounts are bigint minor units; currencies ISO 4217.

CREATE TABLE payments (
  id                 text PRIMARY KEY,
  caller             text NOT NULL,
  reference          text NOT NULL,
  customer_id        text NOT NULL,
  amount             bigint NOT NULL CHECK (amount > 0),
  currency           text NOT NULL,
  country            text NOT NULL,
  method             text NOT NULL,
  capture_method     text NOT NULL,
  state              text NOT NULL,
  outcome_unknown    boolean NOT NULL,
  provider           text NOT NULL,
  attempt            integer NOT NULL,
  provider_ref       text,
  provider_data      text NOT NULL,
  authorized         bigint NOT NULL,
  captured           bigint NOT NULL,
  refunded           bigint NOT NULL,
  disputed           bigint NOT NULL,
  capture_requested  bigint NOT NULL,
  failure_reason     text,
  failure_code       text,
  next_action        bytea,
  -- The payment method's details (provider tokens, IBAN, phone number, ...), encrypted with Padlock's FieldCipher
  -- under the customer's key of category 'payment', bound to service, table, column and customer.
  instrument         bytea NOT NULL,
  instrument_summary text NOT NULL,
  return_url         text NOT NULL,
  description        text NOT NULL,
  expires_at         timestamptz,
  -- When the reconciler looks at it next; null once nothing can change any more.
  next_check_at      timestamptz,
  checks             integer NOT NULL DEFAULT 0,
  -- When billing last called the provider about it (the callback lag is measured from here).
  provider_called_at timestamptz,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  version            bigint NOT NULL
);
CREATE INDEX payments_due ON payments (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX payments_by_provider_ref ON payments (provider, provider_ref);

-- Every state change of a payment, in order (the audit trail; an outbox row will join it in the same transaction).
CREATE TABLE payment_history (
  id          bigserial PRIMARY KEY,
  payment_id  text NOT NULL REFERENCES payments (id),
  from_state  text,
  to_state    text NOT NULL,
  cause       text NOT NULL,
  at          timestamptz NOT NULL
);
CREATE INDEX payment_history_by_payment ON payment_history (payment_id, id);

CREATE TABLE refunds (
  id           text PRIMARY KEY,
  payment_id   text NOT NULL REFERENCES payments (id),
  amount       bigint NOT NULL CHECK (amount > 0),
  status       text NOT NULL,
  provider_ref text,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX refunds_by_payment ON refunds (payment_id);

-- Idempotency keys per caller: the request's fingerprint, the lease of the request executing it, and the first
-- response (a response message or a google.rpc.Status) once it is known.
CREATE TABLE idempotency_keys (
  caller            text NOT NULL,
  key               text NOT NULL,
  operation         text NOT NULL,
  request_hash      bytea NOT NULL,
  state             text NOT NULL,
  lease_until       timestamptz,
  payment_id        text,
  response          bytea,
  response_is_error boolean,
  created_at        timestamptz NOT NULL,
  expires_at        timestamptz NOT NULL,
  PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Provider callbacks applied, by the provider's event id: a duplicate is acknowledged and changes nothing.
CREATE TABLE provider_events (
  provider    text NOT NULL,
  event_id    text NOT NULL,
  payment_id  text NOT NULL,
  type        text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (provider, event_id)
);

-- The ledger: append-only, double entry. Every transaction's entries sum to zero (checked when the transaction
-- commits), in the transaction's one currency.
CREATE TABLE ledger_transactions (
  id           bigserial PRIMARY KEY,
  payment_id   text NOT NULL REFERENCES payments (id),
  kind         text NOT NULL,
  provider     text NOT NULL,
  currency     text NOT NULL,
  external_ref text,
  created_at   timestamptz NOT NULL
);
CREATE INDEX ledger_transactions_by_payment ON ledger_transactions (payment_id);

CREATE TABLE ledger_entries (
  id             bigserial PRIMARY KEY,
  transaction_id bigint NOT NULL REFERENCES ledger_transactions (id),
  account        text NOT NULL,
  currency       text NOT NULL,
  amount         bigint NOT NULL CHECK (amount <> 0)
);
CREATE INDEX ledger_entries_by_transaction ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_by_account ON ledger_entries (account, currency);

CREATE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

CREATE FUNCTION ledger_balanced() RETURNS trigger AS $$
DECLARE
  total bigint;
  lines integer;
  foreign_lines integer;
BEGIN
  SELECT coalesce(sum(amount), 0), count(*), count(*) FILTER (WHERE currency <> NEW.currency)
    INTO total, lines, foreign_lines
    FROM ledger_entries WHERE transaction_id = NEW.id;
  IF total <> 0 OR lines < 2 OR foreign_lines > 0 THEN
    RAISE EXCEPTION 'ledger transaction % does not balance: % entries summing to %, % in another currency',
      NEW.id, lines, total, foreign_lines;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_balanced();

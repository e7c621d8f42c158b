-- CreateCheckoutSession's request ids (AIP-155): a retry of a create answers the session the first call created. The
-- primary key is what makes two concurrent creates with one request id create one session: the second one's insert
-- waits for the first one's transaction, then finds its row. Scoped to the caller (a service name or app:<name>).
CREATE TABLE checkout_requests (
  caller       text NOT NULL,
  request_id   uuid NOT NULL,
  -- SHA-256 of the create's fields (user, plan, country, device, offer code, capabilities): the same request id with
  -- other values is refused. A hash, so the row holds no user id of its own (UserDeleted has nothing to clear here).
  fingerprint  bytea NOT NULL,
  -- Inserted before its session, in the same transaction: the reference is checked at commit.
  session_id   text NOT NULL REFERENCES checkout_sessions (id) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (caller, request_id)
);

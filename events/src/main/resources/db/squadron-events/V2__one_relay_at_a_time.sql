-- One relay at a time now works an outbox (a transaction-scoped advisory lock, see OutboxRelay) instead of relays
-- sharing the rows out with FOR UPDATE SKIP LOCKED. No relay checks any more for an earlier unsent row of a key
-- held by another relay, and this index, written on every append, served only that check.
DROP INDEX IF EXISTS squadron_outbox_unsent_key;

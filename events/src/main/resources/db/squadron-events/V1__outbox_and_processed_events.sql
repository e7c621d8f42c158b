-- The squadron events library's tables, applied by io.squadron.events.EventsSchema.migrate(dataSource) into the
-- service's own database, with its own Flyway history table (squadron_events_schema_history), so they never clash
-- with the service's migrations.

-- The transactional outbox: an event is inserted in the same transaction as the state change it reports, and the
-- relay publishes it to Kafka after that transaction committed. Rows are published in id order per (topic, key).
-- Text columns are COLLATE "C" (byte order): they are identifiers, and the database's default collation (e.g.
-- en_US.UTF-8) makes every index comparison a strcoll() call; with it, the (topic, event_key, id) index alone cut
-- the insert rate of four writers from ~5,000 to ~2,000 per second on a two-core machine.
CREATE TABLE squadron_outbox (
    id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   UUID        NOT NULL,
    topic      TEXT        COLLATE "C" NOT NULL,
    event_key  TEXT        COLLATE "C" NOT NULL,
    event_type TEXT        COLLATE "C" NOT NULL,
    -- The serialized squadron.events.v1.EventEnvelope: the Kafka record's value, as it will be published.
    envelope   BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Set once the broker acknowledged the record; sent rows are deleted after the relay's retention.
    sent_at    TIMESTAMPTZ,
    CONSTRAINT squadron_outbox_event_id_unique UNIQUE (event_id)
);

-- The relay claims the oldest unsent rows (FOR UPDATE SKIP LOCKED, in id order).
CREATE INDEX squadron_outbox_unsent ON squadron_outbox (id) WHERE sent_at IS NULL;
-- A relay holds back a key while an earlier unsent row of it is locked by another relay (order per key).
CREATE INDEX squadron_outbox_unsent_key ON squadron_outbox (topic, event_key, id) WHERE sent_at IS NULL;

-- The consumer side: one row per event a consumer group applied (or dead-lettered), inserted in the same
-- transaction as the handler's state change, so a redelivered event is recognised and skipped.
CREATE TABLE squadron_processed_event (
    consumer_group  TEXT        COLLATE "C" NOT NULL,
    event_id        UUID        NOT NULL,
    topic           TEXT        COLLATE "C" NOT NULL,
    kafka_partition INT         NOT NULL,
    kafka_offset    BIGINT      NOT NULL,
    -- 'applied' or 'dead_lettered'.
    outcome         TEXT        NOT NULL,
    processed_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, event_id)
);

-- Rows are deleted after the consumer's retention; BRIN is nearly free to maintain on an append-only time column.
CREATE INDEX squadron_processed_event_age ON squadron_processed_event USING brin (processed_at);

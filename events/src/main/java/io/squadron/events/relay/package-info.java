/**
 * The relay that publishes the transactional outbox to Kafka: {@link
 * io.squadron.events.relay.OutboxRelay} reads the oldest unsent rows (one relay of an outbox at a
 * time, by an advisory lock; the others stand by), publishes them with the idempotent producer in
 * order per key, and marks them sent once the broker acknowledged them. At least once: a relay that
 * dies between publishing and marking publishes those rows again.
 */
package io.squadron.events.relay;

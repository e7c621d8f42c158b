/**
 * Publish/subscribe on Apache Kafka with protobuf events: {@link io.squadron.events.EventsSchema}
 * creates the library's tables in a service's own PostgreSQL database, {@link
 * io.squadron.events.EventTopics} creates topics.
 *
 * <ul>
 *   <li>{@link io.squadron.events.outbox}: writing events in the caller's own transaction (the
 *       transactional outbox);
 *   <li>{@link io.squadron.events.relay}: publishing the outbox to Kafka, in order per key, at
 *       least once;
 *   <li>{@link io.squadron.events.consumer}: applying events exactly once per consumer group
 *       (idempotent handlers, retries, dead letters).
 * </ul>
 */
package io.squadron.events;

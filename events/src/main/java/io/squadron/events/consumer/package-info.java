/**
 * Consuming events with idempotent handlers: {@link io.squadron.events.consumer.EventConsumer} runs
 * a consumer group loop, hands each event to the {@link io.squadron.events.consumer.EventHandler}
 * registered for its type together with a JDBC transaction in which the event id is recorded as
 * processed, commits offsets only after that transaction commits, retries failures with backoff and
 * sends poison records to {@code <topic>.dlt}.
 */
package io.squadron.events.consumer;

/**
 * The transactional outbox: {@link io.squadron.events.outbox.Outbox#append} writes events into the
 * {@code squadron_outbox} table inside the caller's own JDBC transaction, so an event exists
 * exactly when the state change it reports was committed. {@link
 * io.squadron.events.relay.OutboxRelay} publishes them afterwards.
 */
package io.squadron.events.outbox;

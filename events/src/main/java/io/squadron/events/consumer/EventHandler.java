package io.squadron.events.consumer;

import com.google.protobuf.Message;
import java.sql.Connection;

/**
 * Applies one event type. Called at most once per event id and consumer group with effect: the
 * handler's writes through {@code tx} commit together with the record that the event was processed,
 * so a redelivered event (a relay that republished, a consumer that restarted before committing its
 * offset) is skipped before the handler runs.
 *
 * <p>Rules for handlers:
 *
 * <ul>
 *   <li>Make every state change through {@code tx} and do not commit, roll back or close it: the
 *       consumer does. Work outside the database (a call to another service) is not rolled back
 *       with it, and may be repeated.
 *   <li>Throw to fail: the transaction rolls back and the event is retried with backoff; after the
 *       consumer's {@code maxAttempts} it goes to the dead-letter topic. Throw {@link
 *       NonRetryableEventException} for an event that can never succeed (invalid content) to
 *       dead-letter it at once. Database errors that say the database is unavailable are retried
 *       without limit and never dead-letter an event.
 *   <li>Keep personal data out of exception messages: they are logged by class only, but travel in
 *       the dead-letter record's headers.
 *   <li>Handlers of one consumer may be called from several threads ({@code concurrency > 1}), for
 *       events of different partitions.
 * </ul>
 *
 * @param <T> the event message type
 */
@FunctionalInterface
public interface EventHandler<T extends Message> {
  /** Applies {@code event} inside {@code tx}. */
  void handle(ReceivedEvent<T> event, Connection tx) throws Exception;
}

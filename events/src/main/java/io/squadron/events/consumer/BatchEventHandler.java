package io.squadron.events.consumer;

import com.google.protobuf.Message;
import java.sql.Connection;
import java.util.List;

/**
 * Applies the events of one type that one poll brought, in one call: for a handler whose writes can
 * be made in one statement for many events (a multi-row insert, an update by {@code unnest}), so
 * that a batch costs the database one round trip instead of one per event. The events and the
 * record that they were processed commit in one transaction, as with {@link EventHandler}.
 *
 * <p>What a call gets and what it must do:
 *
 * <ul>
 *   <li>{@code events} are new to this consumer group (duplicates are filtered out before the
 *       call), in the order they were read: in offset order within a partition, so in order per
 *       key. Apply them in that order where order matters (two events of one key in one call).
 *       Events of other types read in between are applied by their own handlers between the calls,
 *       so the order per key holds across types too.
 *   <li>Throw to fail: the whole poll's transaction rolls back, and each of its events is then
 *       applied on its own, in its own transaction (this handler called with a list of one), with
 *       the retries and the dead-letter topic of {@link EventHandler}. One poison event costs its
 *       batch a second pass, never the other events their effect.
 *   <li>The rules of {@link EventHandler} on {@code tx}, personal data and threads apply.
 * </ul>
 *
 * @param <T> the event message type
 */
@FunctionalInterface
public interface BatchEventHandler<T extends Message> {
  /** Applies {@code events} (at least one) inside {@code tx}, in order. */
  void handle(List<ReceivedEvent<T>> events, Connection tx) throws Exception;
}

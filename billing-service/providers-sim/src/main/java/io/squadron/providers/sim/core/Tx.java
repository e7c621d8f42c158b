package io.squadron.providers.sim.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes of one operation on one provider (a request, a timer, a customer action): applied to
 * the in-memory state at once, and written to the journal as one line when the operation commits;
 * its events go to the webhook dispatcher only after that write. Used while holding the provider's
 * lock.
 */
public final class Tx {
  private final ProviderState state;
  private final Map<String, Payment> payments = new LinkedHashMap<>();
  private final Map<String, Record> records = new LinkedHashMap<>();
  private final List<Event> events = new ArrayList<>();
  private IdempotencyRecord idempotency;

  /** A transaction on {@code state}. */
  public Tx(ProviderState state) {
    this.state = state;
  }

  /** The provider state it changes. */
  public ProviderState state() {
    return state;
  }

  /** Saves a new or changed payment. */
  public void save(Payment payment) {
    state.put(payment);
    payments.put(payment.id, payment);
  }

  /** Saves a new or changed record. */
  public void save(Record record) {
    state.put(record);
    records.put(record.key(), record);
  }

  /** Adds an event to send once committed. */
  public void emit(Event event) {
    events.add(event);
  }

  /** Stores the idempotency record of the request. */
  public void idempotency(IdempotencyRecord record) {
    state.put(record);
    idempotency = record;
  }

  /** Whether nothing changed. */
  public boolean isEmpty() {
    return payments.isEmpty() && records.isEmpty() && events.isEmpty() && idempotency == null;
  }

  /** The journal line of this transaction. */
  public JournalEntry toEntry() {
    JournalEntry entry = new JournalEntry();
    entry.provider = state.provider();
    entry.payments = payments.isEmpty() ? null : new ArrayList<>(payments.values());
    entry.records = records.isEmpty() ? null : new ArrayList<>(records.values());
    entry.events = events.isEmpty() ? null : new ArrayList<>(events);
    entry.idem = idempotency;
    return entry;
  }

  /** The events to dispatch after the commit. */
  public List<Event> events() {
    return events;
  }
}

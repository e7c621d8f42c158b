package io.squadron.providers.sim.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Everything one provider holds: payments (by id and by merchant reference), other records,
 * idempotency records and the count of requests seen per idempotency key. Every access happens
 * while holding this object's monitor ({@code synchronized (state)}), which makes each request to
 * one provider atomic; providers do not share state.
 */
public final class ProviderState {
  private final String provider;
  private final Map<String, Payment> payments = new HashMap<>();
  private final Map<String, List<String>> byReference = new HashMap<>();
  private final Map<String, Record> records = new HashMap<>();
  private final Map<String, IdempotencyRecord> idempotency = new HashMap<>();
  private final Map<String, Integer> attempts = new HashMap<>();

  /** The empty state of {@code provider}. */
  public ProviderState(String provider) {
    this.provider = provider;
  }

  /** The provider's name. */
  public String provider() {
    return provider;
  }

  /** The payment with this id, or null. */
  public Payment payment(String id) {
    return payments.get(id);
  }

  /** Adds or replaces a payment. */
  public void put(Payment payment) {
    Payment old = payments.put(payment.id, payment);
    if (old == null && payment.reference != null) {
      byReference.computeIfAbsent(payment.reference, r -> new ArrayList<>(1)).add(payment.id);
    }
  }

  /** The payments with this merchant reference, oldest first. */
  public List<Payment> byReference(String reference) {
    List<Payment> out = new ArrayList<>();
    for (String id : byReference.getOrDefault(reference, List.of())) {
      out.add(payments.get(id));
    }
    return out;
  }

  /** All payments (a live view: copy before leaving the lock). */
  public Collection<Payment> payments() {
    return payments.values();
  }

  /** The record, or null. */
  public Record record(String kind, String id) {
    return records.get(kind + ":" + id);
  }

  /** All records of a kind (copied). */
  public List<Record> records(String kind) {
    List<Record> out = new ArrayList<>();
    for (Record r : records.values()) {
      if (r.kind.equals(kind)) {
        out.add(r);
      }
    }
    return out;
  }

  /** All records (a live view). */
  public Collection<Record> records() {
    return records.values();
  }

  /** Adds or replaces a record. */
  public void put(Record record) {
    records.put(record.key(), record);
  }

  /** The idempotency record of {@code key}, or null. */
  public IdempotencyRecord idempotency(String key) {
    return idempotency.get(key);
  }

  /** Stores an idempotency record. */
  public void put(IdempotencyRecord record) {
    idempotency.put(record.key, record);
  }

  /** All idempotency records (a live view). */
  public Collection<IdempotencyRecord> idempotencyRecords() {
    return idempotency.values();
  }

  /** Counts one more request with {@code key} and returns its number (1 for the first). */
  public int nextAttempt(String key) {
    return attempts.merge(key, 1, Integer::sum);
  }

  /**
   * Drops idempotency records (and attempt counts) created before {@code beforeMs}; returns how
   * many.
   */
  public int pruneIdempotency(long beforeMs) {
    int removed = 0;
    for (Iterator<IdempotencyRecord> it = idempotency.values().iterator(); it.hasNext(); ) {
      IdempotencyRecord r = it.next();
      if (r.createdMs < beforeMs) {
        it.remove();
        attempts.remove(r.key);
        removed++;
      }
    }
    return removed;
  }

  /** Forgets everything. */
  public void clear() {
    payments.clear();
    byReference.clear();
    records.clear();
    idempotency.clear();
    attempts.clear();
  }
}

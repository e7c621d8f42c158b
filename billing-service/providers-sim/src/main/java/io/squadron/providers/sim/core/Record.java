package io.squadron.providers.sim.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * Any other object a provider keeps: a vaulted card, a device wallet token, a SEPA mandate, a gift
 * card, a bank statement line, the webhook secret generations. Mutable, guarded by the provider's
 * lock; journaled like payments.
 */
public final class Record {
  /** The kind ({@code card}, {@code mandate}, {@code giftcard}...). */
  public String kind;

  /** The identifier within the kind. */
  public String id;

  /** The fields. */
  public Map<String, String> fields = new TreeMap<>();

  /** For Jackson. */
  public Record() {}

  /** A new record. */
  public Record(String kind, String id) {
    this.kind = kind;
    this.id = id;
  }

  /** The field, or null. */
  public String get(String field) {
    return fields.get(field);
  }

  /** Sets a field and returns this. */
  public Record put(String field, String value) {
    fields.put(field, value);
    return this;
  }

  /** The key of this record in its provider's map. */
  public String key() {
    return kind + ":" + id;
  }
}

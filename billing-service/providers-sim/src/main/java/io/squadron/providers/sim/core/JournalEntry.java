package io.squadron.providers.sim.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One line of the journal: the changes of one transaction, or a simulator-wide change. Absent parts
 * are null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class JournalEntry {
  /** The provider the payments, records and idempotency record belong to. */
  public String provider;

  /** Payments as they are after the transaction. */
  public List<Payment> payments;

  /** Records as they are after the transaction. */
  public List<Record> records;

  /** Events created. */
  public List<Event> events;

  /** The idempotency record stored. */
  public IdempotencyRecord idem;

  /** Event ids whose delivery ended (delivered, dropped by a fault, or given up). */
  public List<String> delivered;

  /** The clock's advanced offset after an advance. */
  public Long clockAdvancedMs;

  /** Control settings by provider after a change. */
  public Map<String, JsonNode> settings;

  /** The webhook endpoint URL template after a change ("" = none). */
  public String webhookUrl;

  /** Active webhook secret generations by provider (newest last) after a rotation. */
  public Map<String, List<Integer>> secretGenerations;

  /** Everything before this line is forgotten (a reset of the state). */
  public Boolean wipe;
}

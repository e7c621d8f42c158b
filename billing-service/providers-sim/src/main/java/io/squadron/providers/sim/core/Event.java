package io.squadron.providers.sim.core;

/**
 * A webhook event: its id, provider and type, and the exact body to POST (fixed when the event is
 * created, so every delivery, retry or duplicate carries the same bytes).
 */
public final class Event {
  /** Event id ({@code evt_...}); the receiver deduplicates by it. */
  public String id;

  /** The provider's name. */
  public String provider;

  /** The provider's event type, e.g. {@code payment_intent.succeeded}. */
  public String type;

  /** The payment (or other object) the event is about. */
  public String objectId;

  /** Simulated epoch ms when the event happened. */
  public long createdMs;

  /** The JSON body. */
  public String body;

  /** For Jackson. */
  public Event() {}

  /** An event. */
  public Event(
      String id, String provider, String type, String objectId, long createdMs, String body) {
    this.id = id;
    this.provider = provider;
    this.type = type;
    this.objectId = objectId;
    this.createdMs = createdMs;
    this.body = body;
  }
}

package io.squadron.providers.sim.core;

/**
 * The first outcome of a mutating request under one {@code Idempotency-Key}: the request's
 * fingerprint (method, path and a hash of the body) and the response, replayed for every retry with
 * the same key and the same request.
 */
public final class IdempotencyRecord {
  /** The key. */
  public String key;

  /** Method, path and SHA-256 of the body. */
  public String fingerprint;

  /** Response status. */
  public int status;

  /** Response body. */
  public String body;

  /** Simulated epoch ms of the first request. */
  public long createdMs;

  /** For Jackson. */
  public IdempotencyRecord() {}

  /** A record. */
  public IdempotencyRecord(
      String key, String fingerprint, int status, String body, long createdMs) {
    this.key = key;
    this.fingerprint = fingerprint;
    this.status = status;
    this.body = body;
    this.createdMs = createdMs;
  }
}

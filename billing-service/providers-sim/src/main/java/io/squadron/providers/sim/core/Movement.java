package io.squadron.providers.sim.core;

/**
 * Money that moved for a payment at one simulated instant: a line of the provider's settlement
 * report. Payments are positive; refunds, bank returns and reversals negative.
 */
public final class Movement {
  /** What moved: {@code payment}, {@code refund}, {@code return}, {@code reversal}. */
  public String type;

  /** The provider's identifier of this movement (capture, refund...). */
  public String id;

  /** Signed amount in minor units. */
  public long amount;

  /** The provider's fee for it, minor units (>= 0). */
  public long fee;

  /** Simulated epoch ms. */
  public long atMs;

  /** For Jackson. */
  public Movement() {}

  /** A movement. */
  public Movement(String type, String id, long amount, long fee, long atMs) {
    this.type = type;
    this.id = id;
    this.amount = amount;
    this.fee = fee;
    this.atMs = atMs;
  }
}

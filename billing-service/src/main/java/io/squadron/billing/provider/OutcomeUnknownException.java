package io.squadron.billing.provider;

/**
 * The request reached the provider (or may have) and no answer came back: a timeout, a connection
 * dropped after sending, an error the provider may have answered after acting. The outcome is
 * unknown: never fail over (the first provider may have charged); repeat the same request with the
 * same idempotency key until it answers.
 */
public final class OutcomeUnknownException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String provider;

  /** A request to {@code provider} has an unknown outcome; {@code why} says what happened. */
  public OutcomeUnknownException(String provider, String why) {
    super(provider + ": outcome unknown: " + why, null, false, false);
    this.provider = provider;
  }

  /** The provider. */
  public String provider() {
    return provider;
  }
}

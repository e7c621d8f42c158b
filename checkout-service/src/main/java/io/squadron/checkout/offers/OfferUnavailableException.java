package io.squadron.checkout.offers;

/**
 * An offer code cannot be applied: unknown, expired, not for this country or currency, used up, or
 * already used.
 */
public final class OfferUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Why {
    NOT_APPLICABLE,
    ALREADY_USED
  }

  private final Why why;

  public OfferUnavailableException(Why why, String message) {
    super(message, null, false, false);
    this.why = why;
  }

  public Why why() {
    return why;
  }
}

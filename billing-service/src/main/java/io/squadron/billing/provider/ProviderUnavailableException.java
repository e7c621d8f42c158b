package io.squadron.billing.provider;

/**
 * The provider did not process the request: it could not be reached, refused the connection,
 * answered 503 or 429 (requests it sheds are not stored), or rejected billing's credentials. Safe
 * to fail over to another provider. Carries no stack trace and never a request's content.
 */
public final class ProviderUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String provider;

  /** {@code provider} did not process a request; {@code why} says how we know (never secrets). */
  public ProviderUnavailableException(String provider, String why) {
    super(provider + " unavailable: " + why, null, false, false);
    this.provider = provider;
  }

  /** The provider. */
  public String provider() {
    return provider;
  }
}

package io.squadron.billing.provider;

/**
 * The provider answered and refused an operation on an existing payment (a capture, refund or
 * cancel it does not allow now). Nothing changed at the provider. The message is the provider's
 * reason, safe to show the caller.
 */
public final class ProviderRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String provider;
  private final String code;

  /** {@code provider} refused with its {@code code}; {@code message} says why. */
  public ProviderRejectedException(String provider, String code, String message) {
    super(provider + " refused (" + code + "): " + message, null, false, false);
    this.provider = provider;
    this.code = code;
  }

  /** The provider. */
  public String provider() {
    return provider;
  }

  /** The provider's code. */
  public String code() {
    return code;
  }
}

package io.squadron.rpc.internal.security;

/** How a process authenticates its peers ({@code squadron.security.mode}). */
public enum SecurityMode {
  /**
   * Mutual TLS with the platform CA; client apps may present an app token instead of a certificate.
   */
  MTLS("mtls"),
  /**
   * No transport security; the caller names itself in a header. For local development only: anyone
   * can claim any identity. The server logs a loud warning at start.
   */
  PLAINTEXT_DEV("plaintext-dev");

  private final String configName;

  SecurityMode(String configName) {
    this.configName = configName;
  }

  /** The value in config. */
  public String configName() {
    return configName;
  }

  /** The mode written {@code value} in config, or null. */
  static SecurityMode fromConfig(String value) {
    for (SecurityMode mode : values()) {
      if (mode.configName.equals(value)) {
        return mode;
      }
    }
    return null;
  }
}

package io.squadron.rpc.config;

/**
 * A configuration value is missing, of the wrong type or out of range. The message always starts
 * with the full key, so an operator can fix the file without reading code.
 */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /** A bad value at {@code key}; {@code problem} says what is wrong and what is expected. */
  public InvalidConfigException(String key, String problem) {
    super(key + ": " + problem, null, false, false);
    this.key = key;
  }

  /** The full path of the offending key, e.g. {@code squadron.server.port}. */
  public String key() {
    return key;
  }
}

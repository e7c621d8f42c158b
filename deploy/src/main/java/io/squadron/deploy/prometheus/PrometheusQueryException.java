package io.squadron.deploy.prometheus;

/**
 * Prometheus refused a query (it does not parse, names a bad function, times out) or could not be
 * reached. The message carries Prometheus's own error type and text, and the query.
 */
public final class PrometheusQueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String errorType;

  /**
   * A refusal of type {@code errorType} ({@code bad_data}, {@code timeout}, ..., or {@code
   * unreachable}).
   */
  public PrometheusQueryException(String errorType, String message, Throwable cause) {
    super(message, cause);
    this.errorType = errorType;
  }

  /**
   * Prometheus's error type: {@code bad_data} for a query that does not parse, or {@code
   * unreachable}.
   */
  public String errorType() {
    return errorType;
  }
}

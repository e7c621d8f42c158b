package io.squadron.providers.sim.http;

/**
 * A request the simulator refuses without side effects: a status, a machine-readable code in the
 * provider's vocabulary, a message for humans (naming the field at fault) and, where one is at
 * fault, the field.
 *
 * <p>Thrown by handlers before they change anything; the front end renders it in the provider's
 * error shape and does not store it under the idempotency key (a corrected retry with the same key
 * is allowed, as with real providers).
 */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String field;

  /** An error without a field. */
  public ApiError(int status, String code, String message) {
    this(status, code, message, null);
  }

  /** An error caused by one request field. */
  public ApiError(int status, String code, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  /** A 400 for a bad field: {@code "<field>: <problem>"}. */
  public static ApiError badField(String field, String problem) {
    return new ApiError(400, "invalid_request", field + ": " + problem, field);
  }

  /** A 404 naming what was not found. */
  public static ApiError notFound(String what, String id) {
    return new ApiError(404, "resource_missing", what + " " + id + " not found");
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The provider's error code. */
  public String code() {
    return code;
  }

  /** The request field at fault, or null. */
  public String field() {
    return field;
  }
}

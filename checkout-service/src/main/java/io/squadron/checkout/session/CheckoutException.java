package io.squadron.checkout.session;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.squadron.proto.checkout.v1.CheckoutErrorReason;
import java.util.Optional;

/** A checkout call that cannot go on; {@code CheckoutErrors} turns it into its status. */
public final class CheckoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Status.Code code;
  private final CheckoutErrorReason reason;
  private final Optional<String> field;

  public CheckoutException(
      Status.Code code, CheckoutErrorReason reason, String message, Optional<String> field) {
    super(message, null, false, false);
    this.code = requireNonNull(code, "code");
    this.reason = requireNonNull(reason, "reason");
    this.field = requireNonNull(field, "field");
  }

  public Status.Code code() {
    return code;
  }

  public CheckoutErrorReason reason() {
    return reason;
  }

  /** The request field at fault, if one is. */
  public Optional<String> field() {
    return field;
  }
}

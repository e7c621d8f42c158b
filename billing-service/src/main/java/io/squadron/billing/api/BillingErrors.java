package io.squadron.billing.api;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.billing.engine.BillingException;
import io.squadron.billing.payment.IllegalTransitionException;
import io.squadron.billing.provider.OperationNotSupportedException;
import io.squadron.billing.provider.OutcomeUnknownException;
import io.squadron.billing.provider.ProviderRejectedException;
import io.squadron.billing.provider.ProviderUnavailableException;
import io.squadron.billing.reconcile.SettlementReconciler;
import io.squadron.padlock.client.FieldCipherException;
import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.proto.billing.v1.BillingErrorReason;
import io.squadron.proto.billing.v1.PaymentFailureDetail;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.store.StoreErrors;
import java.time.Duration;
import java.util.Optional;

/**
 * The one place billing's failures become statuses (registered with the server, and used by the
 * engine to store an error response for an idempotency key exactly as it was sent). Messages name
 * fields, states and providers; never an instrument, a key or a secret.
 */
public final class BillingErrors {
  /** How soon a caller may retry after a provider or dependency did not answer. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private BillingErrors() {}

  /**
   * The status of {@code error}, or empty for failures without one (they become INTERNAL with an
   * error id).
   */
  public static Optional<StatusRuntimeException> map(Throwable error) {
    Optional<StatusRuntimeException> store = StoreErrors.exceptionMapper().map(error);
    if (store.isPresent()) {
      return store;
    }
    if (error instanceof StatusRuntimeException s) {
      return Optional.of(s);
    }
    if (error instanceof BillingException.PaymentNotFound e) {
      return of(Status.Code.NOT_FOUND, BillingErrorReason.PAYMENT_NOT_FOUND, e.getMessage());
    }
    if (error instanceof BillingException.KeyReused e) {
      return Optional.of(
          RpcErrors.of(
              Status.Code.INVALID_ARGUMENT,
              BillingErrorReason.IDEMPOTENCY_KEY_REUSED,
              e.getMessage(),
              badField("idempotency_key", "already used for another request")));
    }
    if (error instanceof BillingException.KeyInUse e) {
      return of(
          Status.Code.ABORTED,
          BillingErrorReason.IDEMPOTENCY_KEY_IN_USE,
          e.getMessage(),
          e.retryAfter());
    }
    if (error instanceof BillingException.Declined e) {
      return Optional.of(
          RpcErrors.of(
              Status.Code.FAILED_PRECONDITION,
              BillingErrorReason.PAYMENT_DECLINED,
              e.getMessage(),
              PaymentFailureDetail.newBuilder().setPayment(e.payment()).build()));
    }
    if (error instanceof BillingException.ProvidersUnavailable e) {
      return Optional.of(
          RpcErrors.of(
              Status.Code.FAILED_PRECONDITION,
              BillingErrorReason.PROVIDERS_UNAVAILABLE,
              e.getMessage(),
              PaymentFailureDetail.newBuilder().setPayment(e.payment()).build()));
    }
    if (error instanceof BillingException.MethodNotAvailable e) {
      return Optional.of(
          RpcErrors.of(
              Status.Code.INVALID_ARGUMENT,
              BillingErrorReason.METHOD_NOT_AVAILABLE,
              e.getMessage(),
              badField(e.field(), e.getMessage().substring(e.field().length() + 2))));
    }
    if (error instanceof BillingException.CustomerKeysUnavailable e) {
      return of(
          Status.Code.FAILED_PRECONDITION,
          BillingErrorReason.CUSTOMER_KEYS_UNAVAILABLE,
          e.getMessage());
    }
    if (error instanceof BillingException.ProviderNoAnswer
        || error instanceof ProviderUnavailableException
        || error instanceof OutcomeUnknownException) {
      return of(
          Status.Code.UNAVAILABLE,
          ErrorReason.DEPENDENCY_UNAVAILABLE,
          error.getMessage(),
          RETRY_AFTER);
    }
    if (error instanceof IllegalTransitionException e) {
      return of(
          Status.Code.FAILED_PRECONDITION, BillingErrorReason.ILLEGAL_TRANSITION, e.getMessage());
    }
    if (error instanceof OperationNotSupportedException e) {
      return of(
          Status.Code.FAILED_PRECONDITION,
          BillingErrorReason.OPERATION_NOT_SUPPORTED,
          e.getMessage());
    }
    if (error instanceof ProviderRejectedException e) {
      return of(
          Status.Code.FAILED_PRECONDITION, BillingErrorReason.PROVIDER_REJECTED, e.getMessage());
    }
    if (error instanceof SettlementReconciler.MalformedReportException e) {
      return Optional.of(
          RpcErrors.of(
              Status.Code.INVALID_ARGUMENT,
              BillingErrorReason.REPORT_MALFORMED,
              "report_csv: " + e.getMessage(),
              badField("report_csv", e.getMessage())));
    }
    if (error instanceof PadlockKeyException e) {
      return of(
          Status.Code.UNAVAILABLE,
          ErrorReason.DEPENDENCY_UNAVAILABLE,
          "key service: " + e.reason(),
          RETRY_AFTER);
    }
    if (error instanceof FieldCipherException e) {
      return of(
          Status.Code.INTERNAL,
          ErrorReason.INTERNAL_ERROR,
          "a stored instrument failed to decrypt (" + e.reason() + ")");
    }
    return Optional.empty();
  }

  private static Optional<StatusRuntimeException> of(
      Status.Code code, com.google.protobuf.ProtocolMessageEnum reason, String message) {
    return Optional.of(RpcErrors.of(code, reason, message));
  }

  private static Optional<StatusRuntimeException> of(
      Status.Code code,
      com.google.protobuf.ProtocolMessageEnum reason,
      String message,
      Duration retryAfter) {
    return Optional.of(RpcErrors.of(code, reason, message, RpcErrors.retryInfo(retryAfter)));
  }

  private static BadRequest badField(String field, String problem) {
    return BadRequest.newBuilder()
        .addFieldViolations(
            BadRequest.FieldViolation.newBuilder().setField(field).setDescription(problem))
        .build();
  }
}

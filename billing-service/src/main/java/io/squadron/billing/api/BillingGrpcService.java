package io.squadron.billing.api;

import static java.util.Objects.requireNonNull;

import io.grpc.stub.StreamObserver;
import io.squadron.billing.engine.PaymentEngine;
import io.squadron.billing.provider.ProviderRegistry;
import io.squadron.billing.reconcile.SettlementReconciler;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.CancelPaymentRequest;
import io.squadron.proto.billing.v1.CancelPaymentResponse;
import io.squadron.proto.billing.v1.CapturePaymentRequest;
import io.squadron.proto.billing.v1.CapturePaymentResponse;
import io.squadron.proto.billing.v1.ConfirmPaymentRequest;
import io.squadron.proto.billing.v1.ConfirmPaymentResponse;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.CreatePaymentResponse;
import io.squadron.proto.billing.v1.GetPaymentRequest;
import io.squadron.proto.billing.v1.GetPaymentResponse;
import io.squadron.proto.billing.v1.ListPaymentMethodsRequest;
import io.squadron.proto.billing.v1.ListPaymentMethodsResponse;
import io.squadron.proto.billing.v1.ReconcileSettlementRequest;
import io.squadron.proto.billing.v1.ReconcileSettlementResponse;
import io.squadron.proto.billing.v1.RefundPaymentRequest;
import io.squadron.proto.billing.v1.RefundPaymentResponse;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.identity.Caller;

/**
 * The gRPC handler of {@code squadron.billing.v1.BillingService}: field checks and the caller's
 * identity; the work is in {@link PaymentEngine}. Failures are thrown and become statuses in {@link
 * BillingErrors}.
 */
public final class BillingGrpcService extends BillingServiceGrpc.BillingServiceImplBase {
  static final int MAX_REPORT_CHARS = 3 << 20;

  private final PaymentEngine engine;
  private final SettlementReconciler settlements;
  private final ProviderRegistry providers;

  /** A handler over {@code engine}. */
  public BillingGrpcService(
      PaymentEngine engine, SettlementReconciler settlements, ProviderRegistry providers) {
    this.engine = requireNonNull(engine, "engine");
    this.settlements = requireNonNull(settlements, "settlements");
    this.providers = requireNonNull(providers, "providers");
  }

  private static String caller() {
    return Caller.current().name();
  }

  @Override
  public void listPaymentMethods(
      ListPaymentMethodsRequest request, StreamObserver<ListPaymentMethodsResponse> response) {
    RpcErrors.InvalidArgumentBuilder v = RpcErrors.invalidArguments();
    BillingRequests.country(v, "country", request.getCountry());
    BillingRequests.currency(v, "currency", request.getCurrency());
    BillingRequests.amount(v, "amount", request.getAmount(), false);
    if (!v.isEmpty()) {
      throw v.build();
    }
    reply(
        response,
        ListPaymentMethodsResponse.newBuilder()
            .addAllMethods(
                engine.available(request.getCountry(), request.getCurrency(), request.getAmount()))
            .build());
  }

  @Override
  public void createPayment(
      CreatePaymentRequest request, StreamObserver<CreatePaymentResponse> response) {
    BillingRequests.create(request);
    reply(response, engine.create(caller(), request));
  }

  @Override
  public void confirmPayment(
      ConfirmPaymentRequest request, StreamObserver<ConfirmPaymentResponse> response) {
    RpcErrors.InvalidArgumentBuilder v = RpcErrors.invalidArguments();
    BillingRequests.idempotencyKey(v, request.getIdempotencyKey());
    BillingRequests.paymentId(v, request.getPaymentId());
    if (!v.isEmpty()) {
      throw v.build();
    }
    reply(response, engine.confirm(caller(), request));
  }

  @Override
  public void capturePayment(
      CapturePaymentRequest request, StreamObserver<CapturePaymentResponse> response) {
    RpcErrors.InvalidArgumentBuilder v = RpcErrors.invalidArguments();
    BillingRequests.idempotencyKey(v, request.getIdempotencyKey());
    BillingRequests.paymentId(v, request.getPaymentId());
    BillingRequests.amount(v, "amount", request.getAmount(), true);
    if (!v.isEmpty()) {
      throw v.build();
    }
    reply(response, engine.capture(caller(), request));
  }

  @Override
  public void cancelPayment(
      CancelPaymentRequest request, StreamObserver<CancelPaymentResponse> response) {
    RpcErrors.InvalidArgumentBuilder v = RpcErrors.invalidArguments();
    BillingRequests.idempotencyKey(v, request.getIdempotencyKey());
    BillingRequests.paymentId(v, request.getPaymentId());
    if (!v.isEmpty()) {
      throw v.build();
    }
    reply(response, engine.cancel(caller(), request));
  }

  @Override
  public void refundPayment(
      RefundPaymentRequest request, StreamObserver<RefundPaymentResponse> response) {
    RpcErrors.InvalidArgumentBuilder v = RpcErrors.invalidArguments();
    BillingRequests.idempotencyKey(v, request.getIdempotencyKey());
    BillingRequests.paymentId(v, request.getPaymentId());
    BillingRequests.amount(v, "amount", request.getAmount(), true);
    if (!v.isEmpty()) {
      throw v.build();
    }
    reply(response, engine.refund(caller(), request));
  }

  @Override
  public void getPayment(GetPaymentRequest request, StreamObserver<GetPaymentResponse> response) {
    RpcErrors.InvalidArgumentBuilder v = RpcErrors.invalidArguments();
    BillingRequests.paymentId(v, request.getPaymentId());
    if (!v.isEmpty()) {
      throw v.build();
    }
    reply(
        response,
        GetPaymentResponse.newBuilder()
            .setPayment(engine.get(caller(), request.getPaymentId()))
            .build());
  }

  @Override
  public void reconcileSettlement(
      ReconcileSettlementRequest request, StreamObserver<ReconcileSettlementResponse> response) {
    RpcErrors.InvalidArgumentBuilder v = RpcErrors.invalidArguments();
    if (providers.get(request.getProvider()).isEmpty()) {
      v.field(
          "provider",
          request.getProvider().isEmpty()
              ? "must not be empty"
              : "is not a provider billing runs (" + providers.names() + ")");
    }
    if (request.getReportCsv().isEmpty() || request.getReportCsv().length() > MAX_REPORT_CHARS) {
      v.field("report_csv", "must be the report's CSV, 1.." + MAX_REPORT_CHARS + " characters");
    }
    if (!v.isEmpty()) {
      throw v.build();
    }
    reply(response, settlements.reconcile(request.getProvider(), request.getReportCsv()));
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}

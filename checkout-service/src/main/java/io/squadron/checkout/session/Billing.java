package io.squadron.checkout.session;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import io.squadron.proto.billing.v1.AvailablePaymentMethod;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.ConfirmPaymentRequest;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.GetPaymentRequest;
import io.squadron.proto.billing.v1.ListPaymentMethodsRequest;
import io.squadron.proto.billing.v1.Payment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Checkout's calls to billing, each with its own deadline; failures arrive as billing's statuses.
 */
public final class Billing {
  private final BillingServiceGrpc.BillingServiceBlockingStub stub;
  private final Duration deadline;

  public Billing(Channel channel, Duration deadline) {
    this.stub = BillingServiceGrpc.newBlockingStub(requireNonNull(channel, "channel"));
    this.deadline = requireNonNull(deadline, "deadline");
  }

  private BillingServiceGrpc.BillingServiceBlockingStub stub() {
    return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  List<AvailablePaymentMethod> methods(String country, String currency, long amount) {
    return stub()
        .listPaymentMethods(
            ListPaymentMethodsRequest.newBuilder()
                .setCountry(country)
                .setCurrency(currency)
                .setAmount(amount)
                .build())
        .getMethodsList();
  }

  Payment create(CreatePaymentRequest request) {
    return stub().createPayment(request).getPayment();
  }

  Payment confirm(String idempotencyKey, String paymentId) {
    return stub()
        .confirmPayment(
            ConfirmPaymentRequest.newBuilder()
                .setIdempotencyKey(idempotencyKey)
                .setPaymentId(paymentId)
                .build())
        .getPayment();
  }

  Payment get(String paymentId) {
    return stub()
        .getPayment(GetPaymentRequest.newBuilder().setPaymentId(paymentId).build())
        .getPayment();
  }
}

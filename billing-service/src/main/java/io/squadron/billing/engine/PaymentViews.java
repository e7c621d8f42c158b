package io.squadron.billing.engine;

import com.google.protobuf.Timestamp;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.PaymentState;
import io.squadron.billing.payment.RefundRecord;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentFailure;
import io.squadron.proto.billing.v1.PaymentStatus;
import io.squadron.proto.billing.v1.Refund;
import io.squadron.proto.billing.v1.RefundStatus;
import java.time.Instant;
import java.util.List;

/** Payments and refunds as the API shows them. */
public final class PaymentViews {
  private PaymentViews() {}

  /** {@code p} with its {@code refunds}. */
  public static Payment payment(PaymentRecord p, List<RefundRecord> refunds) {
    Payment.Builder b =
        Payment.newBuilder()
            .setId(p.id())
            .setReference(p.reference())
            .setCustomerId(p.customerId())
            .setAmount(p.amount())
            .setCurrency(p.currency())
            .setCountry(p.country())
            .setMethod(p.method())
            .setProvider(p.provider())
            .setStatus(status(p.state()))
            .setCaptureMethod(p.captureMethod())
            .setAmountCapturable(
                p.state() == PaymentState.REQUIRES_CAPTURE && p.captureRequested() == 0
                    ? (p.authorized() > 0 ? p.authorized() : p.amount())
                    : 0)
            .setAmountCaptured(p.captured())
            .setAmountRefunded(p.refunded())
            .setAmountDisputed(p.disputed())
            .setInstrumentSummary(p.instrumentSummary())
            .setCreatedAt(timestamp(p.createdAt()))
            .setUpdatedAt(timestamp(p.updatedAt()));
    p.nextAction().ifPresent(b::setNextAction);
    p.providerRef().ifPresent(b::setProviderReference);
    p.expiresAt().ifPresent(at -> b.setExpiresAt(timestamp(at)));
    if (p.failureReason().isPresent()) {
      b.setFailure(
          PaymentFailure.newBuilder()
              .setReason(p.failureReason().get())
              .setProviderCode(p.failureCode().orElse("")));
    }
    refunds.forEach(r -> b.addRefunds(refund(r)));
    return b.build();
  }

  /** A refund. */
  public static Refund refund(RefundRecord r) {
    return Refund.newBuilder()
        .setId(r.id())
        .setAmount(r.amount())
        .setStatus(
            switch (r.status()) {
              case PENDING -> RefundStatus.REFUND_PENDING;
              case SUCCEEDED -> RefundStatus.REFUND_SUCCEEDED;
              case FAILED -> RefundStatus.REFUND_FAILED;
            })
        .setCreatedAt(timestamp(r.createdAt()))
        .build();
  }

  /** The API status of {@code state}. */
  public static PaymentStatus status(PaymentState state) {
    return PaymentStatus.valueOf(state.name());
  }

  static Timestamp timestamp(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }
}

package io.squadron.checkout.session;

import com.google.protobuf.Timestamp;
import io.squadron.checkout.entitlements.Entitlement;
import io.squadron.checkout.entitlements.EntitlementStore;
import io.squadron.checkout.offers.OfferStore;
import io.squadron.proto.checkout.v1.DoneStep;
import io.squadron.proto.checkout.v1.ErrorStep;
import io.squadron.proto.checkout.v1.Quote;
import io.squadron.proto.checkout.v1.Receipt;
import io.squadron.proto.checkout.v1.SessionState;
import io.squadron.proto.checkout.v1.Step;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How a payment's outcome moves a session, the same whether checkout learns it from billing's
 * answer (SubmitStep) or from billing's payment event: paid -> {@code done} with a receipt, the
 * offer code redeemed and the plan granted, all in the transaction that completes the session;
 * failed -> a {@code declined} step the payer can retry from, the code's use given back.
 */
public final class SessionOutcomes {
  /**
   * The user id of sessions whose user was deleted: not a legal user id (the API refuses
   * parentheses), so no live user can ever match it.
   */
  public static final String DELETED_USER = "(deleted)";

  static final String DONE = "done";
  static final String DECLINED = "declined";

  private SessionOutcomes() {}

  /** {@code r} paid by {@code paymentId} at {@code paidAt}: completed, its step a receipt. */
  public static SessionRecord completed(SessionRecord r, String paymentId, Instant paidAt) {
    Quote q = r.quote();
    return r.toBuilder()
        .paymentId(Optional.of(paymentId))
        .state(SessionState.COMPLETED)
        .nextStep(
            DONE,
            Step.newBuilder()
                .setDone(
                    DoneStep.newBuilder()
                        .setReceipt(
                            Receipt.newBuilder()
                                .setSessionId(r.id())
                                .setPaymentId(paymentId)
                                .setPlanId(r.planId())
                                .setCurrency(q.getCurrency())
                                .setTotal(q.getTotal())
                                .setTax(q.getTax())
                                .setTaxMode(q.getTaxMode())
                                .setTrialDays(q.getTrialDays())
                                .setPaidAt(timestamp(paidAt)))))
        .build();
  }

  /**
   * {@code r}'s payment failed: a retryable {@code declined} step, the attempt forgotten (the
   * caller gives the offer code's use back).
   */
  public static SessionRecord declined(SessionRecord r, String message) {
    return r.toBuilder()
        .paymentKey(Optional.empty())
        .paymentMethod(Optional.empty())
        .paymentId(Optional.empty())
        .nextStep(
            DECLINED,
            Step.newBuilder()
                .setError(ErrorStep.newBuilder().setMessage(message).setRetryable(true)))
        .build();
  }

  /**
   * What commits with a session's completion: the offer code's use redeemed and the plan granted
   * (once per payment: a second completion path finds the grant there and adds nothing).
   */
  public static void onCompleted(Connection tx, SessionRecord done, Instant now)
      throws SQLException {
    if (done.offerCode().isPresent()) {
      OfferStore.redeem(tx, done.offerCode().get(), done.id());
    }
    if (done.userId().equals(DELETED_USER)) {
      return;
    }
    int trialDays = done.quote().getTrialDays();
    EntitlementStore.grant(
        tx,
        new Entitlement(
            done.paymentId().orElseThrow(),
            done.userId(),
            done.planId(),
            done.country(),
            done.id(),
            now,
            trialDays > 0 ? Optional.of(now.plus(Duration.ofDays(trialDays))) : Optional.empty(),
            Optional.empty(),
            Optional.empty()));
  }

  private static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}

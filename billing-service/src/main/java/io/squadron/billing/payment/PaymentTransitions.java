package io.squadron.billing.payment;

import static java.util.Objects.requireNonNull;

import io.squadron.billing.ledger.FeeSchedule;
import io.squadron.billing.ledger.LedgerPosting;
import io.squadron.billing.ledger.Postings;
import io.squadron.proto.billing.v1.CaptureMethod;
import io.squadron.proto.billing.v1.FailureReason;
import io.squadron.proto.billing.v1.NextAction;
import io.squadron.proto.billing.v1.Poll;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The payment state machine: what an observation of the provider does to a payment, and which
 * ledger transactions its money movements make. Pure: the store commits the result in one database
 * transaction.
 *
 * <p>Rules. The state only moves forward ({@link PaymentState#canMoveTo}); an observation that
 * would move it back is <em>stale</em> and changes no state. Amounts only grow (a running total
 * never shrinks), so a repeated or reordered observation books nothing twice: the ledger gets
 * exactly the growth of each total. Held authorizations are released when the payment is captured
 * or ends.
 */
public final class PaymentTransitions {
  /** How long a client should wait before polling a payment that waits for the provider. */
  static final int POLL_SECONDS = 2;

  private PaymentTransitions() {}

  /**
   * The outcome of applying an observation.
   *
   * @param payment the payment afterwards (unchanged when {@code changed} is false)
   * @param postings the ledger transactions to commit with it
   * @param changed whether anything stored changed
   * @param stale whether the observation's state was behind the payment's (and ignored)
   * @param followUp what billing must now do at the provider
   */
  public record Applied(
      PaymentRecord payment,
      List<LedgerPosting> postings,
      boolean changed,
      boolean stale,
      FollowUp followUp) {}

  /**
   * Applies {@code observation} to {@code payment} at {@code now}, booking fees from {@code fees}.
   */
  public static Applied observe(
      PaymentRecord payment, Observation observation, FeeSchedule fees, Instant now) {
    requireNonNull(payment, "payment");
    requireNonNull(observation, "observation");
    requireNonNull(fees, "fees");
    requireNonNull(now, "now");
    PaymentRecord.Builder b = payment.toBuilder().outcomeUnknown(false);
    if (payment.providerRef().isEmpty()) {
      observation.providerRef().ifPresent(b::providerRef);
    }
    b.putProviderData(observation.data());
    observation.expiresAt().ifPresent(b::expiresAt);

    boolean manual = payment.captureMethod() == CaptureMethod.MANUAL;
    PaymentState target = target(payment, observation, manual);
    FollowUp followUp = followUp(observation, manual);
    PaymentState next = payment.state();
    boolean stale = false;
    if (target != payment.state()) {
      if (payment.state().canMoveTo(target)) {
        next = target;
      } else {
        stale = true;
      }
    }
    b.state(next);
    List<LedgerPosting> postings = new ArrayList<>();
    String provider = payment.provider();
    String currency = payment.currency();

    long authorized = payment.authorized();
    if (!stale
        && observation.authorized() > 0
        && payment.captured() == 0
        && authorized == 0
        && (next == PaymentState.REQUIRES_CAPTURE || next == PaymentState.PROCESSING)) {
      authorized = observation.authorized();
      postings.add(Postings.authorization(provider, currency, authorized));
    }

    long captured = payment.captured();
    long observedCapture = observation.captured();
    if (observedCapture == Observation.UNKNOWN && next.isSettled() && captured == 0) {
      observedCapture =
          payment.captureRequested() > 0 ? payment.captureRequested() : payment.amount();
    }
    if (observedCapture > captured
        && !(next == PaymentState.FAILED || next == PaymentState.CANCELED)) {
      postings.addAll(
          Postings.capture(
              provider,
              currency,
              observedCapture - captured,
              fees,
              observation.providerRef().orElse(null)));
      captured = observedCapture;
    }
    b.captured(captured);

    if (authorized > 0 && (captured > 0 || next.isFinal())) {
      postings.add(Postings.release(provider, currency, authorized));
      authorized = 0;
    }
    b.authorized(authorized);
    if (captured > 0 || next.isFinal()) {
      b.captureRequested(0);
    }

    if (next == PaymentState.DISPUTED && payment.state() != PaymentState.DISPUTED) {
      long taken = payment.refundable() + (captured - payment.captured());
      if (taken > 0) {
        postings.addAll(
            Postings.reversal(
                provider, currency, taken, fees, false, observation.providerRef().orElse(null)));
        b.disputed(payment.disputed() + taken);
      }
      b.failure(
          observation.failureReason().orElse(FailureReason.GENERIC_DECLINE),
          observation.failureCode().orElse(null));
    }
    if (next == PaymentState.SUCCEEDED && payment.refunded() > 0) {
      b.state(
          payment.refunded() >= captured ? PaymentState.REFUNDED : PaymentState.PARTIALLY_REFUNDED);
    }
    if (!stale && (next == PaymentState.FAILED || next == PaymentState.CANCELED)) {
      b.failure(
          observation.failureReason().orElse(defaultReason(observation.phase())),
          observation.failureCode().orElse(null));
    }
    b.nextAction(
        nextAction(b.state(), observation.nextAction().orElse(payment.nextAction().orElse(null))));
    // A follow-up is due whenever the provider waits for us, also when the state did not move (the
    // reconciler
    // polling an approved order whose capture failed before retries it).
    if (stale || b.state() != PaymentState.PROCESSING) {
      followUp = FollowUp.NONE;
    }

    PaymentRecord after = b.build();
    boolean changed = !after.equals(payment);
    if (changed) {
      after = after.toBuilder().updatedAt(now).version(payment.version() + 1).build();
    }
    return new Applied(changed ? after : payment, List.copyOf(postings), changed, stale, followUp);
  }

  /**
   * A refund of {@code amount} the provider accepted: refunded total, state (PARTIALLY_REFUNDED or
   * REFUNDED) and its ledger transaction.
   *
   * @throws IllegalTransitionException when the payment is not refundable now
   */
  public static Applied refund(PaymentRecord payment, long amount, String refundRef, Instant now) {
    if (!payment.state().isSettled()
        || payment.state() == PaymentState.DISPUTED
        || amount > payment.refundable()) {
      throw new IllegalTransitionException(payment.id(), payment.state(), "refund " + amount);
    }
    long refunded = payment.refunded() + amount;
    PaymentState state =
        refunded >= payment.captured() - payment.disputed()
            ? PaymentState.REFUNDED
            : PaymentState.PARTIALLY_REFUNDED;
    PaymentRecord after =
        payment.toBuilder()
            .refunded(refunded)
            .state(state)
            .updatedAt(now)
            .version(payment.version() + 1)
            .build();
    return new Applied(
        after,
        List.of(Postings.refund(payment.provider(), payment.currency(), amount, refundRef)),
        true,
        false,
        FollowUp.NONE);
  }

  /**
   * Ends an open payment without a provider's word: every provider was unavailable (nothing was
   * processed), or the payer's approval will never be used (a wallet order billing will not
   * capture). Releases any authorization.
   */
  public static Applied end(
      PaymentRecord payment, PaymentState end, FailureReason reason, String code, Instant now) {
    if (end != PaymentState.FAILED && end != PaymentState.CANCELED) {
      throw new IllegalArgumentException("end: " + end + " (expected: FAILED or CANCELED)");
    }
    if (!payment.state().canMoveTo(end)) {
      throw new IllegalTransitionException(payment.id(), payment.state(), end.name());
    }
    List<LedgerPosting> postings =
        payment.authorized() > 0
            ? List.of(
                Postings.release(payment.provider(), payment.currency(), payment.authorized()))
            : List.of();
    PaymentRecord after =
        payment.toBuilder()
            .state(end)
            .outcomeUnknown(false)
            .authorized(0)
            .captureRequested(0)
            .failure(reason, code)
            .nextAction(null)
            .updatedAt(now)
            .version(payment.version() + 1)
            .build();
    return new Applied(after, postings, true, false, FollowUp.NONE);
  }

  /** The state an observation asks for, given the capture method. */
  static PaymentState target(PaymentRecord payment, Observation o, boolean manual) {
    return switch (o.phase()) {
      case ACTION_REQUIRED -> PaymentState.REQUIRES_ACTION;
      case PENDING -> PaymentState.PROCESSING;
      case APPROVED ->
          manual && o.followUp() == FollowUp.CAPTURE
              ? PaymentState.REQUIRES_CAPTURE
              : PaymentState.PROCESSING;
      case AUTHORIZED -> manual ? PaymentState.REQUIRES_CAPTURE : PaymentState.PROCESSING;
      // A manual capture in flight keeps REQUIRES_CAPTURE (captureRequested blocks a second one);
      // an automatic one
      // is PROCESSING.
      case CAPTURE_PENDING ->
          payment.state() == PaymentState.REQUIRES_CAPTURE
              ? PaymentState.REQUIRES_CAPTURE
              : PaymentState.PROCESSING;
      case SUCCEEDED -> PaymentState.SUCCEEDED;
      case FAILED -> PaymentState.FAILED;
      case CANCELED, EXPIRED -> PaymentState.CANCELED;
      case RETURNED -> PaymentState.DISPUTED;
    };
  }

  private static FollowUp followUp(Observation o, boolean manual) {
    return switch (o.phase()) {
      case APPROVED -> manual && o.followUp() == FollowUp.CAPTURE ? FollowUp.NONE : o.followUp();
      case AUTHORIZED -> manual ? FollowUp.NONE : FollowUp.CAPTURE;
      default -> FollowUp.NONE;
    };
  }

  /**
   * The reason of an end the provider gave none for; null for a plain cancellation (not a failure).
   */
  private static FailureReason defaultReason(ProviderPhase phase) {
    return switch (phase) {
      case EXPIRED -> FailureReason.EXPIRED;
      case CANCELED -> null;
      default -> FailureReason.GENERIC_DECLINE;
    };
  }

  /** The next action of a payment that waits for its provider: poll. */
  public static NextAction poll() {
    return NextAction.newBuilder().setPoll(Poll.newBuilder().setAfterSeconds(POLL_SECONDS)).build();
  }

  /**
   * The next action shown for {@code state}: the provider's while the payer must act, polling while
   * waiting.
   */
  static NextAction nextAction(PaymentState state, NextAction providers) {
    return switch (state) {
      case REQUIRES_ACTION -> providers;
      case PENDING, PROCESSING -> poll();
      default -> null;
    };
  }
}

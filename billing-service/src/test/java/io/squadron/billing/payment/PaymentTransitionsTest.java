package io.squadron.billing.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.billing.ledger.EntryKind;
import io.squadron.billing.ledger.FeeSchedule;
import io.squadron.billing.ledger.LedgerPosting;
import io.squadron.proto.billing.v1.CaptureMethod;
import io.squadron.proto.billing.v1.FailureReason;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaymentTransitionsTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final FeeSchedule FEES = new FeeSchedule(140, 25, 1500);

  static PaymentRecord payment(CaptureMethod capture) {
    return new PaymentRecord.Builder()
        .id("payaaaaaaaaaaaaaaaaaaaaaaaa")
        .caller("checkout")
        .reference("o-1")
        .customerId("c")
        .amount(10_000)
        .currency("EUR")
        .country("SE")
        .method(PaymentMethodType.CARD)
        .captureMethod(capture)
        .provider("cardpay")
        .createdAt(T0)
        .updatedAt(T0)
        .version(1)
        .build();
  }

  static PaymentTransitions.Applied observe(PaymentRecord p, Observation o) {
    return PaymentTransitions.observe(p, o, FEES, T0.plusSeconds(1));
  }

  @Test
  void success_booksCaptureAndFee_once() {
    PaymentRecord p = payment(CaptureMethod.AUTOMATIC);
    Observation ok =
        Observation.of(ProviderPhase.SUCCEEDED).providerRef("pi_1").captured(10_000).build();
    PaymentTransitions.Applied a = observe(p, ok);
    assertThat(a.payment().state()).isEqualTo(PaymentState.SUCCEEDED);
    assertThat(a.postings())
        .extracting(LedgerPosting::kind)
        .containsExactly(EntryKind.CAPTURE, EntryKind.FEE);
    assertThat(a.postings().get(1).entries().get(0).amount()).isEqualTo(10_000 * 140 / 10_000 + 25);
    PaymentTransitions.Applied again = observe(a.payment(), ok);
    assertThat(again.changed()).isFalse();
    assertThat(again.postings()).isEmpty();
  }

  @Test
  void staleObservation_neverMovesBack_norBooks() {
    PaymentRecord p =
        observe(
                payment(CaptureMethod.AUTOMATIC),
                Observation.of(ProviderPhase.SUCCEEDED).captured(10_000).build())
            .payment();
    PaymentTransitions.Applied late =
        observe(p, Observation.of(ProviderPhase.ACTION_REQUIRED).build());
    assertThat(late.stale()).isTrue();
    assertThat(late.payment().state()).isEqualTo(PaymentState.SUCCEEDED);
    assertThat(late.postings()).isEmpty();
    PaymentTransitions.Applied failedLate =
        observe(
            p,
            Observation.of(ProviderPhase.FAILED)
                .failure(FailureReason.GENERIC_DECLINE, "x")
                .build());
    assertThat(failedLate.stale()).isTrue();
    assertThat(failedLate.payment().state()).isEqualTo(PaymentState.SUCCEEDED);
  }

  @Test
  void authorizedWithAutomaticCapture_isProcessingWithACaptureFollowUp_thenReleasedOnCapture() {
    PaymentRecord p = payment(CaptureMethod.AUTOMATIC);
    PaymentTransitions.Applied auth =
        observe(p, Observation.of(ProviderPhase.AUTHORIZED).authorized(10_000).build());
    assertThat(auth.payment().state()).isEqualTo(PaymentState.PROCESSING);
    assertThat(auth.followUp()).isEqualTo(FollowUp.CAPTURE);
    assertThat(auth.postings())
        .extracting(LedgerPosting::kind)
        .containsExactly(EntryKind.AUTHORIZATION);
    PaymentTransitions.Applied captured =
        observe(auth.payment(), Observation.of(ProviderPhase.SUCCEEDED).captured(10_000).build());
    assertThat(captured.postings())
        .extracting(LedgerPosting::kind)
        .containsExactly(EntryKind.CAPTURE, EntryKind.FEE, EntryKind.AUTHORIZATION_RELEASE);
    assertThat(captured.payment().authorized()).isZero();
  }

  @Test
  void authorizedWithManualCapture_waitsForTheCaller() {
    PaymentTransitions.Applied auth =
        observe(
            payment(CaptureMethod.MANUAL),
            Observation.of(ProviderPhase.AUTHORIZED).authorized(10_000).build());
    assertThat(auth.payment().state()).isEqualTo(PaymentState.REQUIRES_CAPTURE);
    assertThat(auth.followUp()).isEqualTo(FollowUp.NONE);
    PaymentTransitions.Applied expired =
        observe(auth.payment(), Observation.of(ProviderPhase.EXPIRED).build());
    assertThat(expired.payment().state()).isEqualTo(PaymentState.CANCELED);
    assertThat(expired.payment().failureReason()).contains(FailureReason.EXPIRED);
    assertThat(expired.postings())
        .extracting(LedgerPosting::kind)
        .containsExactly(EntryKind.AUTHORIZATION_RELEASE);
  }

  @Test
  void return_afterSuccess_isDisputed_andReversesTheNetWithItsFee() {
    PaymentRecord p =
        observe(
                payment(CaptureMethod.AUTOMATIC),
                Observation.of(ProviderPhase.SUCCEEDED).captured(10_000).build())
            .payment();
    p = PaymentTransitions.refund(p, 3000, "re_1", T0).payment();
    PaymentTransitions.Applied returned =
        observe(
            p,
            Observation.of(ProviderPhase.RETURNED)
                .captured(10_000)
                .failure(FailureReason.PAYER_CANCELED, "MD06")
                .build());
    assertThat(returned.payment().state()).isEqualTo(PaymentState.DISPUTED);
    assertThat(returned.payment().disputed()).isEqualTo(7000);
    assertThat(returned.postings())
        .extracting(LedgerPosting::kind)
        .containsExactly(EntryKind.RETURN, EntryKind.FEE);
    assertThat(returned.postings().get(0).entries().get(0).amount()).isEqualTo(7000);
  }

  @Test
  void returnSeenWithoutTheSuccessBefore_booksCaptureAndReturn() {
    PaymentRecord p =
        payment(CaptureMethod.AUTOMATIC).toBuilder().state(PaymentState.PROCESSING).build();
    PaymentTransitions.Applied returned =
        observe(p, Observation.of(ProviderPhase.RETURNED).captured(10_000).build());
    assertThat(returned.postings())
        .extracting(LedgerPosting::kind)
        .containsExactly(EntryKind.CAPTURE, EntryKind.FEE, EntryKind.RETURN, EntryKind.FEE);
    long net =
        returned.postings().stream()
            .flatMap(x -> x.entries().stream())
            .filter(e -> e.account().equals("provider_receivable:cardpay"))
            .mapToLong(e -> e.amount())
            .sum();
    assertThat(net).isEqualTo(-(10_000 * 140 / 10_000 + 25) - 1500);
  }

  @Test
  void refunds_moveToPartiallyThenFullyRefunded_andRefuseMoreThanCaptured() {
    PaymentRecord p =
        observe(
                payment(CaptureMethod.AUTOMATIC),
                Observation.of(ProviderPhase.SUCCEEDED).captured(10_000).build())
            .payment();
    PaymentRecord partly = PaymentTransitions.refund(p, 4000, "r1", T0).payment();
    assertThat(partly.state()).isEqualTo(PaymentState.PARTIALLY_REFUNDED);
    assertThatThrownBy(() -> PaymentTransitions.refund(partly, 6001, "r2", T0))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("PARTIALLY_REFUNDED");
    PaymentRecord full = PaymentTransitions.refund(partly, 6000, "r3", T0).payment();
    assertThat(full.state()).isEqualTo(PaymentState.REFUNDED);
  }

  @Test
  void end_ofAPaymentWithMoney_isIllegal() {
    PaymentRecord p =
        observe(
                payment(CaptureMethod.AUTOMATIC),
                Observation.of(ProviderPhase.SUCCEEDED).captured(10_000).build())
            .payment();
    assertThatThrownBy(() -> PaymentTransitions.end(p, PaymentState.CANCELED, null, null, T0))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("SUCCEEDED");
  }

  @Test
  void everyPosting_balances() {
    PaymentRecord p = payment(CaptureMethod.AUTOMATIC);
    List<Observation> path =
        List.of(
            Observation.of(ProviderPhase.AUTHORIZED).authorized(10_000).build(),
            Observation.of(ProviderPhase.CAPTURE_PENDING).build(),
            Observation.of(ProviderPhase.SUCCEEDED).captured(10_000).build(),
            Observation.of(ProviderPhase.RETURNED).captured(10_000).build());
    for (Observation o : path) {
      PaymentTransitions.Applied a = observe(p, o);
      a.postings()
          .forEach(x -> assertThat(x.entries().stream().mapToLong(e -> e.amount()).sum()).isZero());
      p = a.payment();
    }
    assertThat(p.state()).isEqualTo(PaymentState.DISPUTED);
  }
}

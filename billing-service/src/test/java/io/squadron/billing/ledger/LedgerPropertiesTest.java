package io.squadron.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.billing.payment.IllegalTransitionException;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.PaymentState;
import io.squadron.billing.payment.PaymentTransitions;
import io.squadron.billing.payment.ProviderPhase;
import io.squadron.proto.billing.v1.CaptureMethod;
import io.squadron.proto.billing.v1.FailureReason;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The ledger's invariants over random sequences of what can happen to a payment (provider
 * observations in any order, repeated and stale, refunds, ends), applied through the payment state
 * machine exactly as billing applies them: every transaction balances; the provider's receivable
 * equals captured less fees, refunds and returns; held authorizations equal the payment's
 * authorized amount; totals never shrink; the state never moves back.
 */
class LedgerPropertiesTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  sealed interface Op permits Observe, Refund, End {}

  record Observe(ProviderPhase phase, long captured, long authorized) implements Op {}

  record Refund(long amount) implements Op {}

  record End(PaymentState state) implements Op {}

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Op> observe =
        Combinators.combine(
                Arbitraries.of(ProviderPhase.class),
                Arbitraries.longs().between(-1, 12_000),
                Arbitraries.longs().between(-1, 12_000))
            .as((phase, captured, authorized) -> new Observe(phase, captured, authorized));
    Arbitrary<Op> refund = Arbitraries.longs().between(1, 12_000).map(Refund::new);
    Arbitrary<Op> end = Arbitraries.of(PaymentState.FAILED, PaymentState.CANCELED).map(End::new);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, observe),
            net.jqwik.api.Tuple.of(2, refund),
            net.jqwik.api.Tuple.of(1, end))
        .list()
        .ofMaxSize(25);
  }

  @Property(tries = 400)
  void invariantsHoldAfterEveryOperation(
      @ForAll("operations") List<Op> ops,
      @ForAll @IntRange(min = 1, max = 10_000) int amount,
      @ForAll boolean manual,
      @ForAll @IntRange(min = 0, max = 500) int basisPoints,
      @ForAll @IntRange(min = 0, max = 50) int fixed,
      @ForAll @IntRange(min = 0, max = 2000) int returnFee) {
    FeeSchedule fees = new FeeSchedule(basisPoints, fixed, returnFee);
    PaymentRecord p =
        new PaymentRecord.Builder()
            .id("payaaaaaaaaaaaaaaaaaaaaaaaa")
            .caller("checkout")
            .reference("o")
            .customerId("c")
            .amount(amount)
            .currency("EUR")
            .country("SE")
            .method(PaymentMethodType.CARD)
            .captureMethod(manual ? CaptureMethod.MANUAL : CaptureMethod.AUTOMATIC)
            .provider("cardpay")
            .createdAt(T0)
            .updatedAt(T0)
            .version(1)
            .build();
    Map<String, Long> balances = new HashMap<>();
    long fees0 = 0;
    for (Op op : ops) {
      PaymentRecord before = p;
      PaymentTransitions.Applied a;
      try {
        if (op instanceof Observe o) {
          a = PaymentTransitions.observe(p, observation(o), fees, T0);
        } else if (op instanceof Refund r) {
          a = PaymentTransitions.refund(p, r.amount(), "r", T0);
        } else {
          a =
              PaymentTransitions.end(
                  p, ((End) op).state(), FailureReason.GENERIC_DECLINE, null, T0);
        }
      } catch (IllegalTransitionException refused) {
        continue; // an illegal operation changes nothing
      }
      for (LedgerPosting posting : a.postings()) {
        assertThat(posting.entries().stream().mapToLong(LedgerEntry::amount).sum()).isZero();
        for (LedgerEntry e : posting.entries()) {
          balances.merge(e.account(), e.amount(), Long::sum);
        }
        if (posting.kind() == EntryKind.FEE) {
          fees0 += posting.entries().get(0).amount();
        }
      }
      p = a.payment();
      assertThat(p.captured()).isGreaterThanOrEqualTo(before.captured());
      assertThat(p.refunded()).isGreaterThanOrEqualTo(before.refunded());
      assertThat(p.disputed()).isGreaterThanOrEqualTo(before.disputed());
      assertThat(p.refunded() + p.disputed()).isLessThanOrEqualTo(p.captured());
      assertThat(
              p.state() == before.state()
                  || before.state().canMoveTo(p.state())
                  || refundMove(before.state(), p.state()))
          .as(before.state() + " -> " + p.state())
          .isTrue();
      long receivable = balances.getOrDefault(Accounts.providerReceivable("cardpay"), 0L);
      assertThat(receivable).isEqualTo(p.captured() - p.refunded() - p.disputed() - fees0);
      assertThat(balances.getOrDefault(Accounts.CUSTOMER_PAYMENTS, 0L))
          .isEqualTo(-(p.captured() - p.refunded() - p.disputed()));
      assertThat(balances.getOrDefault(Accounts.authorizations("cardpay"), 0L))
          .isEqualTo(p.authorized());
      assertThat(balances.values().stream().mapToLong(Long::longValue).sum()).isZero();
    }
  }

  /**
   * Refunds move a settled payment to (partially) refunded, also from partially refunded to itself.
   */
  private static boolean refundMove(PaymentState from, PaymentState to) {
    return from.isSettled()
        && (to == PaymentState.PARTIALLY_REFUNDED || to == PaymentState.REFUNDED);
  }

  private static Observation observation(Observe o) {
    Observation.Builder b =
        Observation.of(o.phase()).captured(o.captured()).authorized(o.authorized());
    if (o.phase() == ProviderPhase.FAILED) {
      b.failure(FailureReason.GENERIC_DECLINE, "generic_decline");
    }
    return b.build();
  }
}

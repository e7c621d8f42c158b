package io.squadron.billing.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.proto.billing.v1.PaymentMethodType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RouterTest {
  static final RouteTable TABLE =
      new RouteTable(
          Map.of(
              PaymentMethodType.CARD,
              new RouteTable.MethodRoutes(
                  List.of("cardpay", "acquirex"),
                  Set.of("*"),
                  Map.of("US", List.of("acquirex", "cardpay")),
                  1,
                  1_000_000)));

  final AtomicLong nanos = new AtomicLong();

  Router router(double exploration, double... randoms) {
    double[] r = randoms;
    int[] i = {0};
    return new Router(
        TABLE, exploration, Duration.ofMinutes(1), nanos::get, () -> r[i[0]++ % r.length]);
  }

  @Test
  void withoutSamples_theConfiguredOrderPerCountry() {
    Router router = router(0, 0.9);
    assertThat(router.order(PaymentMethodType.CARD, "SE", List.of("cardpay", "acquirex")))
        .containsExactly("cardpay", "acquirex");
    assertThat(router.order(PaymentMethodType.CARD, "US", List.of("cardpay", "acquirex")))
        .containsExactly("acquirex", "cardpay");
  }

  @Test
  void betterSuccessRate_goesFirst_andOnlyUsableProvidersAreOffered() {
    Router router = router(0, 0.9);
    for (int i = 0; i < 20; i++) {
      router.record("cardpay", PaymentMethodType.CARD, i % 2 == 0);
      router.record("acquirex", PaymentMethodType.CARD, true);
    }
    assertThat(router.order(PaymentMethodType.CARD, "SE", List.of("cardpay", "acquirex")))
        .containsExactly("acquirex", "cardpay");
    assertThat(router.order(PaymentMethodType.CARD, "SE", List.of("cardpay")))
        .containsExactly("cardpay");
    assertThat(router.order(PaymentMethodType.SEPA_DEBIT, "SE", List.of("sepadebit"))).isEmpty();
  }

  @Test
  void oldSamples_slideOutOfTheWindow() {
    Router router = router(0, 0.9);
    for (int i = 0; i < 20; i++) {
      router.record("cardpay", PaymentMethodType.CARD, false);
    }
    assertThat(router.order(PaymentMethodType.CARD, "SE", List.of("cardpay", "acquirex")).get(0))
        .isEqualTo("acquirex");
    nanos.addAndGet(Duration.ofMinutes(2).toNanos());
    assertThat(router.rate("cardpay", PaymentMethodType.CARD)).isEqualTo(0.5);
    assertThat(router.order(PaymentMethodType.CARD, "SE", List.of("cardpay", "acquirex")).get(0))
        .isEqualTo("cardpay");
  }

  @Test
  void exploration_putsAnotherProviderFirst_forItsShareOfPayments() {
    Router explores = router(0.05, 0.01, 0.5);
    assertThat(explores.order(PaymentMethodType.CARD, "SE", List.of("cardpay", "acquirex")))
        .containsExactly("acquirex", "cardpay");
    Router stays = router(0.05, 0.06);
    assertThat(stays.order(PaymentMethodType.CARD, "SE", List.of("cardpay", "acquirex")))
        .containsExactly("cardpay", "acquirex");
  }
}

package io.squadron.billing.payment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PaymentStateTest {
  @Test
  void canMoveTo_onlyForward() {
    assertThat(PaymentState.PENDING.canMoveTo(PaymentState.REQUIRES_ACTION)).isTrue();
    assertThat(PaymentState.REQUIRES_ACTION.canMoveTo(PaymentState.PROCESSING)).isTrue();
    assertThat(PaymentState.PROCESSING.canMoveTo(PaymentState.REQUIRES_CAPTURE)).isTrue();
    assertThat(PaymentState.REQUIRES_CAPTURE.canMoveTo(PaymentState.SUCCEEDED)).isTrue();
    assertThat(PaymentState.SUCCEEDED.canMoveTo(PaymentState.DISPUTED)).isTrue();
    assertThat(PaymentState.PROCESSING.canMoveTo(PaymentState.REQUIRES_ACTION))
        .as("backwards")
        .isFalse();
    assertThat(PaymentState.SUCCEEDED.canMoveTo(PaymentState.PROCESSING)).as("backwards").isFalse();
    assertThat(PaymentState.SUCCEEDED.canMoveTo(PaymentState.SUCCEEDED)).as("not a move").isFalse();
  }

  @Test
  void failedAndCanceled_onlyBeforeMoneyMoved_andNothingLeavesAFinalState() {
    assertThat(PaymentState.REQUIRES_CAPTURE.canMoveTo(PaymentState.CANCELED)).isTrue();
    assertThat(PaymentState.PROCESSING.canMoveTo(PaymentState.FAILED)).isTrue();
    assertThat(PaymentState.SUCCEEDED.canMoveTo(PaymentState.FAILED)).isFalse();
    assertThat(PaymentState.PARTIALLY_REFUNDED.canMoveTo(PaymentState.CANCELED)).isFalse();
    for (PaymentState end :
        new PaymentState[] {
          PaymentState.FAILED, PaymentState.CANCELED, PaymentState.REFUNDED, PaymentState.DISPUTED
        }) {
      assertThat(end.isFinal()).isTrue();
      for (PaymentState any : PaymentState.values()) {
        assertThat(end.canMoveTo(any)).as(end + " -> " + any).isFalse();
      }
    }
  }
}

package io.squadron.checkout.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.proto.checkout.v1.Quote;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class QuoteSignerTest {
  private static final byte[] KEY = new byte[32];
  private final QuoteSigner signer = new QuoteSigner(KEY);
  private final Quote quote =
      signer.sign(
          Quote.newBuilder()
              .setPlanId("individual")
              .setCountry("SE")
              .setCurrency("SEK")
              .setListPrice(11900)
              .setTax(2380)
              .setTotal(11900)
              .build());

  @Test
  void signedQuote_verifies() {
    assertThat(quote.getSignature()).isNotEmpty();
    assertThat(signer.verify(quote)).isTrue();
  }

  @Test
  void alteredQuote_refused() {
    assertThat(signer.verify(quote.toBuilder().setTotal(100).build())).isFalse();
    assertThat(signer.verify(quote.toBuilder().setOfferCode("FREE").build())).isFalse();
    assertThat(signer.verify(quote.toBuilder().setSignature("not base64!").build())).isFalse();
    assertThat(signer.verify(quote.toBuilder().clearSignature().build())).isFalse();
  }

  @Test
  void anotherKey_refuses() {
    byte[] other = Arrays.copyOf(KEY, 32);
    other[0] = 1;
    assertThat(new QuoteSigner(other).verify(quote)).isFalse();
  }

  @Test
  void shortKey_refused() {
    assertThatThrownBy(() -> new QuoteSigner(new byte[16])).hasMessageContaining("key: 16 bytes");
  }
}

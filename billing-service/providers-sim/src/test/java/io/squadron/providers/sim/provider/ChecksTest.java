package io.squadron.providers.sim.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The check-digit schemes against published examples. */
class ChecksTest {
  @Test
  void luhn_acceptsTestCards_rejectsOneDigitOff() {
    assertThat(Checks.luhn("4242424242424242")).isTrue();
    assertThat(Checks.luhn("378282246310005")).isTrue();
    assertThat(Checks.luhn("4242424242424241")).isFalse();
    assertThat(Checks.luhn("42424242")).isFalse();
    assertThat(Checks.brand("5555555555554444")).isEqualTo("mastercard");
    assertThat(Checks.brand("2221000000000009")).isEqualTo("mastercard");
  }

  @Test
  void iban_mod97() {
    assertThat(Checks.iban("GB82 WEST 1234 5698 7654 32")).isEqualTo("GB82WEST12345698765432");
    assertThat(Checks.iban("DE89370400440532013000")).isEqualTo("DE89370400440532013000");
    assertThat(Checks.iban("DE89370400440532013001")).isNull();
    assertThat(Checks.iban("not an iban")).isNull();
  }

  @Test
  void creditorReference_iso11649() {
    assertThat(Checks.creditorReference("539007547034")).isEqualTo("RF18539007547034");
  }

  @Test
  void cpf_checkDigits() {
    assertThat(Checks.cpf("52998224725")).isTrue();
    assertThat(Checks.cpf("52998224724")).isFalse();
    assertThat(Checks.cpf("11111111111")).isFalse();
  }

  @Test
  void crc16_ccittFalseCheckValue() {
    assertThat(Checks.crc16("123456789")).isEqualTo("29B1");
  }

  @Test
  void boletoCheckDigits() {
    assertThat(Checks.mod10("001905009")).isEqualTo(5);
    assertThat(Checks.mod10("4014481606")).isEqualTo(9);
    assertThat(Checks.mod10("0680935031")).isEqualTo(4);
    assertThat(Checks.mod11("0019373700000001000500940144816060680935031")).isEqualTo(3);
  }
}

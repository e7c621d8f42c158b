package io.squadron.padlock.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 against RFC 5869 appendix A, test cases 1 to 3. */
class HkdfTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] range(int from, int toInclusive) {
    byte[] out = new byte[toInclusive - from + 1];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (from + i);
    }
    return out;
  }

  private static byte[] repeat(int value, int count) {
    byte[] out = new byte[count];
    java.util.Arrays.fill(out, (byte) value);
    return out;
  }

  @Test
  void rfc5869_testCase1_basic() {
    byte[] prk = Hkdf.extract(range(0x00, 0x0c), repeat(0x0b, 22));
    assertThat(HEX.formatHex(prk))
        .isEqualTo("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    assertThat(HEX.formatHex(Hkdf.expand(prk, range(0xf0, 0xf9), 42)))
        .isEqualTo(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void rfc5869_testCase2_longInputs() {
    byte[] prk = Hkdf.extract(range(0x60, 0xaf), range(0x00, 0x4f));
    assertThat(HEX.formatHex(prk))
        .isEqualTo("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244");
    assertThat(HEX.formatHex(Hkdf.expand(prk, range(0xb0, 0xff), 82)))
        .isEqualTo(
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                + "cc30c58179ec3e87c14c01d5c1f3434f1d87");
  }

  @Test
  void rfc5869_testCase3_emptySaltAndInfo() {
    byte[] prk = Hkdf.extract(new byte[0], repeat(0x0b, 22));
    assertThat(HEX.formatHex(prk))
        .isEqualTo("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
    assertThat(HEX.formatHex(Hkdf.expand(prk, new byte[0], 42)))
        .isEqualTo(
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  }

  @Test
  void derive_isExtractThenExpand() {
    byte[] salt = range(0, 12);
    byte[] ikm = repeat(0x0b, 22);
    byte[] info = range(0xf0, 0xf9);
    assertThat(Hkdf.derive(salt, ikm, info, 42))
        .isEqualTo(Hkdf.expand(Hkdf.extract(salt, ikm), info, 42));
  }

  @Test
  void expand_lengthOutOfRange_rejected() {
    byte[] prk = new byte[32];
    assertThatThrownBy(() -> Hkdf.expand(prk, new byte[0], 0)).hasMessageContaining("length: 0");
    assertThatThrownBy(() -> Hkdf.expand(prk, new byte[0], 255 * 32 + 1))
        .hasMessageContaining("length");
    assertThatThrownBy(() -> Hkdf.expand(new byte[16], new byte[0], 32))
        .hasMessageContaining("prk: 16 bytes");
  }
}

package io.squadron.padlock.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyDerivationTest {
  private final byte[] prk = KeyDerivation.userPrk(new byte[32]);

  @Test
  void derive_isDeterministicAnd32Bytes() {
    byte[] a = KeyDerivation.derive(prk, "account", "userdb", 1);
    assertThat(a).hasSize(32).isEqualTo(KeyDerivation.derive(prk, "account", "userdb", 1));
  }

  @Test
  void derive_differentServiceCategoryVersionOrUser_unrelatedKeys() {
    Set<String> keys = new HashSet<>();
    keys.add(hex(KeyDerivation.derive(prk, "account", "userdb", 1)));
    keys.add(hex(KeyDerivation.derive(prk, "account", "billing", 1)));
    keys.add(hex(KeyDerivation.derive(prk, "payment", "userdb", 1)));
    keys.add(hex(KeyDerivation.derive(prk, "account", "userdb", 2)));
    byte[] otherRoot = new byte[32];
    otherRoot[0] = 1;
    keys.add(hex(KeyDerivation.derive(KeyDerivation.userPrk(otherRoot), "account", "userdb", 1)));
    assertThat(keys).hasSize(5);
  }

  @Test
  void info_lengthPrefixed_soShiftedBoundariesDiffer() {
    assertThat(KeyDerivation.info("ab", "c", 1)).isNotEqualTo(KeyDerivation.info("a", "bc", 1));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}

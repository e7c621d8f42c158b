package io.squadron.padlock.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MasterKeyringTest {
  private static final byte[] K1 = filled(1);
  private static final byte[] K2 = filled(2);

  private static byte[] filled(int b) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) b);
    return key;
  }

  private final MasterKeyring ring = MasterKeyring.of(Map.of(1, K1), 1, new SecureRandom());

  @Test
  void wrapUnwrap_roundTrip() {
    byte[] root = ring.newRoot();
    byte[] wrapped = ring.wrap("user-1", root);
    assertThat(wrapped).hasSize(MasterKeyring.WRAPPED_LENGTH);
    assertThat(ring.unwrap("user-1", 1, wrapped)).isEqualTo(root);
  }

  @Test
  void wrap_sameRootTwice_differentNonces() {
    byte[] root = ring.newRoot();
    assertThat(ring.wrap("u", root)).isNotEqualTo(ring.wrap("u", root));
  }

  @Test
  void unwrap_otherUsersRow_failsAuthentication() {
    byte[] wrapped = ring.wrap("alice", ring.newRoot());
    assertThatThrownBy(() -> ring.unwrap("bob", 1, wrapped))
        .isInstanceOf(MasterKeyring.UnwrapException.class)
        .hasMessageContaining("authentication");
  }

  @Test
  void unwrap_flippedBit_fails() {
    byte[] wrapped = ring.wrap("alice", ring.newRoot());
    wrapped[20] ^= 1;
    assertThatThrownBy(() -> ring.unwrap("alice", 1, wrapped))
        .isInstanceOf(MasterKeyring.UnwrapException.class);
  }

  @Test
  void rotation_oldVersionStillUnwraps_newWrapsUseCurrent() {
    byte[] root = ring.newRoot();
    byte[] old = ring.wrap("alice", root);
    MasterKeyring rotated = MasterKeyring.of(Map.of(1, K1, 2, K2), 2, new SecureRandom());
    assertThat(rotated.unwrap("alice", 1, old)).isEqualTo(root);
    byte[] rewrapped = rotated.wrap("alice", root);
    assertThat(rotated.unwrap("alice", 2, rewrapped)).isEqualTo(root);
    assertThatThrownBy(() -> rotated.unwrap("alice", 1, rewrapped))
        .isInstanceOf(MasterKeyring.UnwrapException.class);
    assertThatThrownBy(() -> ring.unwrap("alice", 2, rewrapped))
        .hasMessageContaining("version 2 is not configured");
  }

  @Test
  void of_badKeys_rejectedWithoutKeyMaterialInMessage() {
    byte[] shortKey = new byte[16];
    java.util.Arrays.fill(shortKey, (byte) 0x41);
    assertThatThrownBy(() -> MasterKeyring.of(Map.of(1, shortKey), 1, new SecureRandom()))
        .hasMessage("master key 1: 16 bytes (expected: 32 bytes)");
    assertThatThrownBy(() -> MasterKeyring.of(Map.of(1, K1), 2, new SecureRandom()))
        .hasMessageContaining("current master key version: 2");
    assertThat(ring.toString())
        .doesNotContain(Base64.getEncoder().encodeToString(K1))
        .contains("versions=[1]");
  }
}

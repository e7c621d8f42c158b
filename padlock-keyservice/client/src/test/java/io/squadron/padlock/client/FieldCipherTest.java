package io.squadron.padlock.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ciphertext format and its bindings, over a deterministic key source (no Padlock needed for
 * the format).
 */
class FieldCipherTest {
  private static final Field EMAIL = Field.of("users", "email", "account");
  private static final Field PHONE = Field.of("users", "phone", "account");
  private static final Field CARD = Field.of("cards", "number", "payment");

  /**
   * Keys = SHA-256(service | user | category | version); current version settable; "shredded" user
   * has none.
   */
  private static final class TestKeys implements KeySource {
    private final String service;
    private int currentVersion = 1;

    TestKeys(String service) {
      this.service = service;
    }

    @Override
    public DerivedKey currentKey(String userId, String category) {
      return key(userId, category, currentVersion);
    }

    @Override
    public DerivedKey key(String userId, String category, int version) {
      if (userId.equals("shredded")) {
        throw new PadlockKeyException(
            PadlockKeyException.Reason.KEYS_DELETED, Status.Code.NOT_FOUND, "deleted");
      }
      try {
        byte[] key =
            MessageDigest.getInstance("SHA-256")
                .digest(
                    (service + "|" + userId + "|" + category + "|" + version)
                        .getBytes(StandardCharsets.UTF_8));
        return DerivedKey.of(category, version, key);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }
  }

  private final TestKeys keys = new TestKeys("userdb");
  private final FieldCipher cipher =
      FieldCipher.builder(keys, "userdb").random(new SecureRandom()).build();

  @Test
  void encryptDecrypt_roundTrip() {
    byte[] stored = cipher.encryptString(EMAIL, "alice", "alice@example.com");
    assertThat(cipher.decryptString(EMAIL, "alice", stored)).isEqualTo("alice@example.com");
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("alice@example.com");
  }

  @Test
  void encrypt_emptyPlaintext_roundTrips() {
    assertThat(cipher.decrypt(EMAIL, "alice", cipher.encrypt(EMAIL, "alice", new byte[0])))
        .isEmpty();
  }

  @Test
  void header_carriesFormatCategoryVersionNonce() {
    byte[] stored = cipher.encryptString(EMAIL, "alice", "x");
    assertThat(stored[0]).isEqualTo((byte) 1);
    assertThat(stored[1]).isEqualTo((byte) "account".length());
    assertThat(new String(stored, 2, 7, StandardCharsets.US_ASCII)).isEqualTo("account");
    assertThat(FieldCipher.keyVersionOf(stored)).isEqualTo(1);
    assertThat(stored).hasSize(2 + 7 + 4 + 12 + 1 + 16);
  }

  @Test
  void decrypt_movedToAnotherUser_authenticationFails() {
    byte[] stored = cipher.encryptString(EMAIL, "alice", "alice@example.com");
    assertThatThrownBy(() -> cipher.decrypt(EMAIL, "bob", stored))
        .isInstanceOfSatisfying(
            FieldCipherException.class,
            e ->
                assertThat(e.reason()).isEqualTo(FieldCipherException.Reason.AUTHENTICATION_FAILED))
        .message()
        .doesNotContain("alice")
        .doesNotContain("bob");
  }

  @Test
  void decrypt_movedToAnotherColumnOrTable_authenticationFails() {
    byte[] stored = cipher.encryptString(EMAIL, "alice", "alice@example.com");
    assertThatThrownBy(() -> cipher.decrypt(PHONE, "alice", stored))
        .isInstanceOf(FieldCipherException.class);
    assertThatThrownBy(
            () -> cipher.decrypt(Field.of("accounts", "email", "account"), "alice", stored))
        .isInstanceOf(FieldCipherException.class);
  }

  @Test
  void decrypt_byAnotherServiceWithTheSameKeys_authenticationFails() {
    byte[] stored = cipher.encryptString(EMAIL, "alice", "alice@example.com");
    FieldCipher other = FieldCipher.builder(keys, "billing").build();
    assertThatThrownBy(() -> other.decrypt(EMAIL, "alice", stored))
        .isInstanceOf(FieldCipherException.class);
  }

  @Test
  void fieldCipherDecrypt_headerNamesAnotherCategoryThanTheField_categoryMismatchNeverPlaintext() {
    // Written under the "listening" key into the users.email column (whose field says "account"):
    // reading it as the
    // account field must not ask for, nor use, the listening key.
    byte[] stored =
        cipher.encryptString(Field.of("users", "email", "listening"), "alice", "alice@example.com");
    assertThatThrownBy(() -> cipher.decrypt(EMAIL, "alice", stored))
        .isInstanceOfSatisfying(
            FieldCipherException.class,
            e -> assertThat(e.reason().name()).isEqualTo("CATEGORY_MISMATCH"))
        .message()
        .doesNotContain("alice")
        .doesNotContain("listening");
  }

  @Test
  void decrypt_anySingleBitFlipped_neverYieldsPlaintext() {
    byte[] stored = cipher.encryptString(CARD, "alice", "4111 1111 1111 1111");
    for (int i = 0; i < stored.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = stored.clone();
        tampered[i] ^= (byte) (1 << bit);
        Throwable thrown = catchThrowable(() -> cipher.decrypt(CARD, "alice", tampered));
        assertThat(thrown).as("byte %d bit %d", i, bit).isInstanceOf(FieldCipherException.class);
      }
    }
  }

  @Test
  void decrypt_truncatedOrGarbage_malformed() {
    byte[] stored = cipher.encryptString(EMAIL, "alice", "alice@example.com");
    for (int length = 0; length < stored.length; length++) {
      byte[] cut = Arrays.copyOf(stored, length);
      assertThat(catchThrowable(() -> cipher.decrypt(EMAIL, "alice", cut)))
          .as("length %d", length)
          .isInstanceOf(FieldCipherException.class);
    }
    assertThatThrownBy(() -> cipher.decrypt(EMAIL, "alice", new byte[] {9, 9, 9}))
        .isInstanceOfSatisfying(
            FieldCipherException.class,
            e -> assertThat(e.reason()).isEqualTo(FieldCipherException.Reason.UNSUPPORTED_FORMAT));
  }

  @Test
  void keyVersionBump_oldValuesStillDecrypt_newValuesUseCurrent() {
    byte[] old = cipher.encryptString(EMAIL, "alice", "old@example.com");
    keys.currentVersion = 2;
    byte[] fresh = cipher.encryptString(EMAIL, "alice", "new@example.com");
    assertThat(FieldCipher.keyVersionOf(old)).isEqualTo(1);
    assertThat(FieldCipher.keyVersionOf(fresh)).isEqualTo(2);
    assertThat(cipher.decryptString(EMAIL, "alice", old)).isEqualTo("old@example.com");
    assertThat(cipher.decryptString(EMAIL, "alice", fresh)).isEqualTo("new@example.com");
  }

  @Test
  void encrypt_nonceFreshEveryTime() {
    Set<String> nonces = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      byte[] stored = cipher.encryptString(EMAIL, "alice", "same");
      nonces.add(java.util.HexFormat.of().formatHex(stored, 13, 25));
    }
    assertThat(nonces).hasSize(2000);
  }

  @Test
  void shreddedUser_keyExceptionPropagates() {
    assertThatThrownBy(() -> cipher.encryptString(EMAIL, "shredded", "x"))
        .isInstanceOfSatisfying(
            PadlockKeyException.class,
            e -> assertThat(e.reason()).isEqualTo(PadlockKeyException.Reason.KEYS_DELETED));
  }

  @Test
  void field_validation() {
    assertThatThrownBy(() -> Field.of("", "c", "account")).hasMessageContaining("table: empty");
    assertThatThrownBy(() -> Field.of("t", "c", "has space")).hasMessageContaining("category");
    assertThat(DerivedKey.of("account", 1, new byte[32]).toString())
        .isEqualTo("DerivedKey{account v1}");
  }
}

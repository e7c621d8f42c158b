package io.squadron.padlock.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * {@link FieldCipher#decrypt} of bytes an attacker who can write to a column chooses: arbitrary
 * bytes, a valid value altered, truncated or extended, and valid values of another user, column,
 * table, service or category moved here. The only success is the exact value written for this
 * service, field and user, giving back its plaintext; anything else is a {@link
 * FieldCipherException}, never plaintext and never another exception.
 */
class FieldCipherDecryptFuzzTest {
  private static final Field EMAIL = Field.of("users", "email", "account");
  private static final List<Field> ELSEWHERE =
      List.of(
          Field.of("users", "phone", "account"),
          Field.of("accounts", "email", "account"),
          Field.of("users", "email", "payment"));
  private static final byte[] PLAINTEXT = "alice@example.com".getBytes(StandardCharsets.UTF_8);

  /**
   * Keys derived from service, user, category and version (a stand-in for Padlock's HKDF; any user
   * has keys).
   */
  private static final KeySource KEYS =
      new KeySource() {
        @Override
        public DerivedKey currentKey(String userId, String category) {
          return key(userId, category, 1);
        }

        @Override
        public DerivedKey key(String userId, String category, int version) {
          try {
            return DerivedKey.of(
                category,
                version,
                MessageDigest.getInstance("SHA-256")
                    .digest(
                        (userId + "|" + category + "|" + version)
                            .getBytes(StandardCharsets.UTF_8)));
          } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
          }
        }
      };

  private static final FieldCipher USERDB =
      FieldCipher.builder(KEYS, "userdb").random(new Random(1)).build();
  private static final FieldCipher BILLING =
      FieldCipher.builder(KEYS, "billing").random(new Random(2)).build();
  private static final byte[] GENUINE = USERDB.encrypt(EMAIL, "alice", PLAINTEXT);

  @FuzzTest(maxDuration = "10s")
  void anyStoredBytes_decryptOnlyWhenWrittenForThisFieldAndUser(FuzzedDataProvider data) {
    byte[] stored;
    boolean genuine = false;
    switch (data.consumeInt(0, 3)) {
      case 0 -> stored = data.consumeRemainingAsBytes();
      case 1 -> {
        // A genuine value, altered: bytes overwritten, cut short or extended.
        stored = Arrays.copyOf(GENUINE, data.consumeInt(0, GENUINE.length + 8));
        int edits = data.consumeInt(0, 4);
        for (int i = 0; i < edits && stored.length > 0; i++) {
          stored[data.consumeInt(0, stored.length - 1)] = data.consumeByte();
        }
        genuine = Arrays.equals(stored, GENUINE);
      }
      case 2 -> {
        // A value written somewhere else, moved into this column.
        Field from = data.pickValue(ELSEWHERE);
        stored = USERDB.encrypt(from, "alice", PLAINTEXT);
      }
      default -> {
        // Another user's value, or another service's.
        stored =
            data.consumeBoolean()
                ? USERDB.encrypt(EMAIL, "mallory", PLAINTEXT)
                : BILLING.encrypt(EMAIL, "alice", PLAINTEXT);
      }
    }

    byte[] plaintext;
    try {
      plaintext = USERDB.decrypt(EMAIL, "alice", stored);
    } catch (FieldCipherException expected) {
      assertThat(genuine).as("the genuine value failed to decrypt").isFalse();
      assertThat(expected.getMessage()).isNotBlank().doesNotContain("alice@example.com");
      return;
    }
    assertThat(genuine)
        .as("decrypted a value not written for this service, field and user")
        .isTrue();
    assertThat(plaintext).isEqualTo(PLAINTEXT);
  }
}

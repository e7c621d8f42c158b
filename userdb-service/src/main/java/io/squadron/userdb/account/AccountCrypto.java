package io.squadron.userdb.account;

import static java.util.Objects.requireNonNull;

import io.squadron.padlock.client.Field;
import io.squadron.padlock.client.FieldCipher;
import io.squadron.padlock.client.PadlockClient;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Encrypts the personal fields of accounts with Padlock's {@link FieldCipher} (category {@value
 * #CATEGORY}, bound to service, table, column and user id), creates a user's keys at sign-up and
 * shreds them at deletion.
 */
public final class AccountCrypto {
  /** The Padlock key category of account data. */
  public static final String CATEGORY = "account";

  static final Field EMAIL = Field.of("users", "email", CATEGORY);
  static final Field BIRTH_DATE = Field.of("users", "birth_date", CATEGORY);

  private final PadlockClient padlock;
  private final FieldCipher cipher;

  /** Uses {@code padlock} for keys; ciphertexts are bound to service {@code service}. */
  public AccountCrypto(PadlockClient padlock, String service) {
    this.padlock = requireNonNull(padlock, "padlock");
    this.cipher = FieldCipher.builder(padlock, requireNonNull(service, "service")).build();
  }

  void createKeys(UUID user) {
    padlock.createUserKeys(user.toString());
  }

  byte[] encryptEmail(UUID user, String email) {
    return cipher.encryptString(EMAIL, user.toString(), email);
  }

  String decryptEmail(UUID user, byte[] ciphertext) {
    return cipher.decryptString(EMAIL, user.toString(), ciphertext);
  }

  byte[] encryptBirthDate(UUID user, LocalDate date) {
    return cipher.encryptString(BIRTH_DATE, user.toString(), date.toString());
  }

  LocalDate decryptBirthDate(UUID user, byte[] ciphertext) {
    return LocalDate.parse(cipher.decryptString(BIRTH_DATE, user.toString(), ciphertext));
  }

  void shred(UUID user) {
    padlock.deleteUserKeys(user.toString());
  }
}

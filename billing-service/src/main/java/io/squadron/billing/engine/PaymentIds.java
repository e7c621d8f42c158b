package io.squadron.billing.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.function.Supplier;

/**
 * Billing's ids: {@code pay} and 24 random characters of [a-z2-7] (120 bits), letters and digits
 * only, so every provider's reference field takes them (Pix transaction ids allow nothing else);
 * refund ids are a digest of the caller's idempotency key, so a repeated request finds its refund.
 */
public final class PaymentIds implements Supplier<String> {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  /** The length of a payment id. */
  public static final int LENGTH = 27;

  private final SecureRandom random = new SecureRandom();

  @Override
  public String get() {
    byte[] bytes = new byte[15];
    random.nextBytes(bytes);
    return "pay" + base32(bytes);
  }

  /** 24 characters of [a-z2-7] from SHA-256 of {@code text}. */
  static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      byte[] first = new byte[15];
      System.arraycopy(d, 0, first, 0, 15);
      return base32(first);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 8 / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    return out.toString();
  }

  /**
   * The payment id an attempt reference ({@code <id>-<n>}, or a Pix txid {@code <id><n>}) belongs
   * to.
   */
  public static String paymentOf(String attemptReference) {
    return attemptReference.length() >= LENGTH && attemptReference.startsWith("pay")
        ? attemptReference.substring(0, LENGTH)
        : attemptReference;
  }
}

package io.squadron.checkout.pricing;

import static java.util.Objects.requireNonNull;

import io.squadron.proto.checkout.v1.Quote;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs quotes with HMAC-SHA256 over the quote's bytes without its signature, so a quote altered
 * anywhere after quoting (a client sending it back, a row edited in the store) is refused before
 * anyone is charged.
 */
public final class QuoteSigner {
  private final SecretKeySpec key;

  /**
   * @param key at least 32 bytes (checkout's secret {@code squadron.checkout.quote-signing-key})
   */
  public QuoteSigner(byte[] key) {
    requireNonNull(key, "key");
    if (key.length < 32) {
      throw new IllegalArgumentException("key: " + key.length + " bytes (expected: >= 32)");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
  }

  /** The quote with its signature set. */
  public Quote sign(Quote quote) {
    return quote.toBuilder().setSignature(Base64.getEncoder().encodeToString(mac(quote))).build();
  }

  /** Whether the quote's signature matches its contents (compared in constant time). */
  public boolean verify(Quote quote) {
    byte[] claimed;
    try {
      claimed = Base64.getDecoder().decode(quote.getSignature());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(claimed, mac(quote));
  }

  private byte[] mac(Quote quote) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      // Deterministic: one message type, no maps, no unknown fields; the signature field itself
      // left out.
      return mac.doFinal(quote.toBuilder().clearSignature().build().toByteArray());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}

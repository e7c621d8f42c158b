package io.squadron.providers.sim.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature: {@code Squadron-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}, each
 * {@code v1} the lower-case hex HMAC-SHA256 of {@code "<t>.<raw body>"} under one of the provider's
 * active webhook secrets (newest first; several during a secret rotation). A receiver accepts the
 * event if any {@code v1} matches one of the secrets it knows and {@code t} is within its tolerance
 * (300 s) of its own clock.
 */
public final class WebhookSigner {
  /** The signature header. */
  public static final String HEADER = "Squadron-Signature";

  private WebhookSigner() {}

  /**
   * The header value for {@code body} sent at {@code unixSeconds}, signed with every secret in
   * order.
   */
  public static String header(long unixSeconds, byte[] body, List<String> secrets) {
    StringBuilder out = new StringBuilder("t=").append(unixSeconds);
    for (String secret : secrets) {
      out.append(",v1=").append(hmacHex(secret, unixSeconds, body));
    }
    return out.toString();
  }

  /** HMAC-SHA256 of {@code "<t>.<body>"} under {@code secret} (its UTF-8 bytes), lower-case hex. */
  public static String hmacHex(String secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      mac.update(body);
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}

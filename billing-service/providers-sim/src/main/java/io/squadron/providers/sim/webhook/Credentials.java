package io.squadron.providers.sim.webhook;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secrets a merchant gets from each provider: the API key (sent as {@code Authorization: Bearer
 * <key>}) and the webhook signing secrets, generation by generation. All are derived from the
 * simulator's secret seed (HMAC-SHA256), so whoever starts the simulator decides them (local-infra
 * draws a random seed per start) and a restart keeps them. Formats: {@code sk_sim_<provider>_<32
 * hex>} and {@code whsec_<40 hex>}.
 */
public final class Credentials {
  private final byte[] secretSeed;
  // Derived once: the API key is checked on every request and the secrets sign every webhook.
  private final java.util.Map<String, String> cache =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Credentials derived from {@code secretSeed}. */
  public Credentials(String secretSeed) {
    this.secretSeed = secretSeed.getBytes(StandardCharsets.UTF_8);
  }

  /** The API key of {@code provider}. */
  public String apiKey(String provider) {
    return cache.computeIfAbsent(
        "api-key/" + provider,
        label -> "sk_sim_" + provider + "_" + derive(label).substring(0, 32));
  }

  /**
   * The webhook secret of {@code provider}, generation {@code generation} (0 first; rotation adds
   * one).
   */
  public String webhookSecret(String provider, int generation) {
    return cache.computeIfAbsent(
        "webhook/" + provider + "/" + generation,
        label -> "whsec_" + derive(label).substring(0, 40));
  }

  private String derive(String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secretSeed, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(label.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}

package io.squadron.infra.providers;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.InfraStartException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * What the descriptor store kind {@code providers-sim} gives a service: the standard {@code
 * squadron.providers} keys for a simulator at a base URL, with the credentials its merchant
 * dashboard ({@code GET /_control/credentials}) shows. {@code squadron up} and testkit's {@code
 * ServiceHarness} both use it, so neither names a service.
 *
 * <pre>
 * squadron.providers {
 *   base-url = "http://127.0.0.1:PORT"              # provider p at base-url/p
 *   control-url = "http://127.0.0.1:PORT/_control"  # the simulator's control API (local runs and tests only)
 *   credentials { cardpay { base_url = "...", api_key = "...", webhook_secrets = ["..."] }, ... }
 * }
 * </pre>
 */
public final class ProvidersSimCredentials {
  private ProvidersSimCredentials() {}

  /**
   * The HOCON of the {@code squadron.providers} keys for the simulator at {@code baseUrl}.
   *
   * @throws InfraStartException when the simulator does not answer
   */
  public static String storeConfig(String baseUrl) {
    requireNonNull(baseUrl, "baseUrl");
    String base = baseUrl.replaceAll("/+$", "");
    String credentials = get(base + "/_control/credentials");
    // HOCON is a superset of JSON: the dashboard's answer goes in as it is.
    return "squadron.providers {\n  base-url = "
        + quote(base)
        + "\n  control-url = "
        + quote(base + "/_control")
        + "\n  credentials = "
        + credentials
        + "\n}\n";
  }

  private static String get(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
      c.setConnectTimeout(2_000);
      c.setReadTimeout(10_000);
      try {
        int status = c.getResponseCode();
        if (status != 200) {
          throw new InfraStartException("providers-sim at " + url + " answered " + status);
        }
        try (InputStream in = c.getInputStream()) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      throw new InfraStartException(
          "providers-sim at " + url + " does not answer: " + e.getMessage(), e);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

package io.squadron.billing.provider;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How billing reaches one provider: base URL, API key, webhook secrets (newest first; several
 * during a rotation), request timeout. Read from {@code squadron.billing.providers.<name>}; what is
 * not set there comes from the {@code providers-sim} store kind's keys ({@code
 * squadron.providers.base-url}/{@code <name>} and {@code
 * squadron.providers.credentials.<name>.api_key} and {@code .webhook_secrets}: the simulator's
 * merchant dashboard as it answers), which {@code squadron up} and the tests fill. {@link
 * #toString()} never shows the key or secrets.
 *
 * @param name the provider
 * @param baseUrl the API's base, without a trailing slash
 * @param apiKey the bearer key
 * @param webhookSecrets accepted callback signing secrets
 * @param requestTimeout a request without an answer by then has an unknown outcome
 */
public record ProviderSettings(
    String name,
    String baseUrl,
    String apiKey,
    List<String> webhookSecrets,
    Duration requestTimeout) {

  /** Where the per-provider keys are. */
  public static final String PATH = "squadron.billing.providers";

  public ProviderSettings {
    requireNonNull(name, "name");
    requireNonNull(baseUrl, "baseUrl");
    requireNonNull(apiKey, "apiKey");
    webhookSecrets = List.copyOf(webhookSecrets);
    requireNonNull(requestTimeout, "requestTimeout");
  }

  /**
   * The settings of {@code name} from {@code root}.
   *
   * @throws InvalidConfigException naming the missing or bad key
   */
  public static ProviderSettings from(Config root, String name) {
    String ownPath = PATH + "." + name;
    ConfigReader own =
        ConfigReader.at(
            root.hasPath(ownPath)
                ? root
                : root.withValue(
                    ownPath, com.typesafe.config.ConfigValueFactory.fromMap(java.util.Map.of())),
            ownPath);
    ConfigReader shared =
        root.hasPath("squadron.providers") ? ConfigReader.at(root, "squadron.providers") : null;
    String credentialsPath = "squadron.providers.credentials." + name;
    ConfigReader credentials =
        root.hasPath(credentialsPath) ? ConfigReader.at(root, credentialsPath) : null;
    String base;
    if (own.has("base-url")) {
      base = own.nonEmptyString("base-url");
    } else if (shared != null && shared.has("base-url") && !shared.string("base-url").isEmpty()) {
      base = shared.string("base-url").replaceAll("/+$", "") + "/" + name;
    } else {
      throw new InvalidConfigException(
          own.key("base-url"),
          "missing (expected: the provider's API URL, or "
              + "squadron.providers.base-url from the providers-sim store)");
    }
    try {
      URI uri = URI.create(base);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException("scheme");
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(own.key("base-url"), "not an http(s) URL");
    }
    String apiKey =
        own.has("api-key")
            ? own.nonEmptyString("api-key")
            : credentials != null && credentials.has("api_key")
                ? credentials.nonEmptyString("api_key")
                : null;
    if (apiKey == null) {
      throw new InvalidConfigException(
          own.key("api-key"),
          "missing (expected: the provider's API key, or "
              + credentialsPath
              + ".api_key from the providers-sim store)");
    }
    List<String> secrets =
        own.has("webhook-secrets")
            ? own.strings("webhook-secrets")
            : credentials != null && credentials.has("webhook_secrets")
                ? credentials.strings("webhook_secrets")
                : List.of();
    if (secrets.isEmpty() || secrets.stream().anyMatch(String::isEmpty)) {
      throw new InvalidConfigException(
          own.key("webhook-secrets"),
          "missing or empty (expected: the provider's " + "webhook signing secrets, newest first)");
    }
    Duration timeout =
        own.has("request-timeout")
            ? own.positiveDuration("request-timeout")
            : ConfigReader.at(root, "squadron.billing.provider-defaults")
                .positiveDuration("request-timeout");
    return new ProviderSettings(name, base.replaceAll("/+$", ""), apiKey, secrets, timeout);
  }

  @Override
  public String toString() {
    return "ProviderSettings["
        + name
        + " at "
        + baseUrl
        + ", "
        + webhookSecrets.size()
        + " webhook secret(s), "
        + "timeout "
        + requestTimeout
        + "]";
  }
}

package io.squadron.rpc.client;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every service a process calls, by name ({@code squadron.clients.*}), and the defaults for them
 * ({@code squadron.client-defaults}).
 */
public final class ClientsSettings {
  private final Map<String, ClientSettings> clients;
  private final ClientSettings defaults;

  private ClientsSettings(Map<String, ClientSettings> clients, ClientSettings defaults) {
    this.clients = Map.copyOf(clients);
    this.defaults = defaults;
  }

  /** Reads {@code squadron.clients} and {@code squadron.client-defaults} from a resolved config. */
  public static ClientsSettings from(Config root) {
    ConfigReader defaults = ConfigReader.at(root, "squadron.client-defaults");
    Map<String, ClientSettings> clients = new LinkedHashMap<>();
    if (root.hasPath("squadron.clients")) {
      ConfigReader all = ConfigReader.at(root, "squadron.clients");
      for (String name : all.keys()) {
        clients.put(name, ClientSettings.from(name, all.childKey(name), defaults));
      }
    }
    return new ClientsSettings(clients, ClientSettings.defaults(defaults));
  }

  /**
   * Exactly these clients, with {@code defaults} for anything added later through {@link #with}.
   */
  public static ClientsSettings of(ClientSettings defaults, ClientSettings... clients) {
    Map<String, ClientSettings> byName = new LinkedHashMap<>();
    for (ClientSettings client : clients) {
      byName.put(client.name(), client);
    }
    return new ClientsSettings(byName, requireNonNull(defaults, "defaults"));
  }

  /** A copy that also knows {@code client} (replacing one of the same name). */
  public ClientsSettings with(ClientSettings client) {
    Map<String, ClientSettings> byName = new LinkedHashMap<>(clients);
    byName.put(client.name(), client);
    return new ClientsSettings(byName, defaults);
  }

  /** The settings of the service named {@code name}. */
  public ClientSettings get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new InvalidConfigException(
                    "squadron.clients." + name,
                    "missing (expected: target or addresses of the service to call)"));
  }

  /** The settings of {@code name}, if configured. */
  public Optional<ClientSettings> find(String name) {
    return Optional.ofNullable(clients.get(name));
  }

  /** The defaults every client starts from. */
  public ClientSettings defaults() {
    return defaults;
  }
}

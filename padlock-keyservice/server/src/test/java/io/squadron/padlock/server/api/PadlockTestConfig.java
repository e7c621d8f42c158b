package io.squadron.padlock.server.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.security.ClientSecurity;
import java.nio.file.Path;
import java.util.Base64;

/** Configs for a Padlock server on real stores, and rpc-core channel factories calling it as a named service. */
final class PadlockTestConfig {
  /** Test-only master keys (never use outside tests). */
  static final String MASTER_KEY_1 = Base64.getEncoder().encodeToString(filled(0x11));
  static final String MASTER_KEY_2 = Base64.getEncoder().encodeToString(filled(0x22));

  private PadlockTestConfig() {}

  private static byte[] filled(int b) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) b);
    return key;
  }

  /** A server config: the stores given, mTLS from {@code pki} (or plaintext-dev when null), then {@code extra}. */
  static Config server(String cassandraEndpoint, String keyspace, String memcached, String prefix, Path pki,
      String extra) {
    String security = pki == null
        ? "squadron.security { mode = plaintext-dev, service-name = padlock }"
        : "squadron.security { service-name = padlock, cert-dir = \"" + pki + "\" }";
    return ConfigLoader.withOverrides(ConfigFactory.parseString("""
        %s
        squadron.padlock.master-keys { current = 1, keys { 1 = "%s" } }
        squadron.stores {
          # Generous: a lightweight transaction on a busy 2-core CI machine can take over a second.
          cassandra { endpoint = "%s", keyspace = %s, request-timeout = 5s }
          memcached { addresses = "%s", key-prefix = "%s" }
        }
        %s
        """.formatted(security, MASTER_KEY_1, cassandraEndpoint, keyspace, memcached, prefix, extra)));
  }

  /** Channels to {@code port} as {@code caller} (mTLS from {@code pki}, or plaintext-dev when null). */
  static ChannelFactory channelsAs(String caller, int port, Path pki) {
    String security = pki == null
        ? "squadron.security { mode = plaintext-dev, service-name = " + caller + " }"
        : "squadron.security { service-name = " + caller + ", cert-dir = \"" + pki + "\" }";
    Config config = ConfigLoader.withOverrides(ConfigFactory.parseString(security
        + "\nsquadron.clients.padlock.addresses = [\"127.0.0.1:" + port + "\"]"));
    return ClientSecurity.configure(ChannelFactory.builder(ClientsSettings.from(config)), config).build();
  }
}

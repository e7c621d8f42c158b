package io.squadron.userdb.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.squadron.padlock.client.PadlockClient;
import io.squadron.padlock.server.api.PadlockMain;
import io.squadron.padlock.server.api.PadlockServer;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.ClientSecurity;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The real Padlock server (in-process, on its real Cassandra keyspace and memcached prefix) and configs for userdb
 * instances on real stores, plaintext-dev on loopback; and stubs calling userdb as the {@code checkout} service.
 */
public final class Testbed implements AutoCloseable {
  /** A test-only master key (never use outside tests). */
  private static final String MASTER_KEY = Base64.getEncoder().encodeToString(new byte[] {
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
      31, 32});

  private final PadlockServer padlock;
  private final String postgresUrl;
  private final String cassandraEndpoint;
  private final String keyspace;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private Testbed(PadlockServer padlock, String postgresUrl, String cassandraEndpoint, String keyspace) {
    this.padlock = padlock;
    this.postgresUrl = postgresUrl;
    this.cassandraEndpoint = cassandraEndpoint;
    this.keyspace = keyspace;
  }

  /**
   * Starts Padlock on keyspace {@code <keyspace>_padlock} and memcached prefix {@code <keyspace>:}; userdb
   * instances will use {@code postgresUrl} and keyspace {@code keyspace}.
   */
  public static Testbed start(String postgresUrl, String cassandraEndpoint, String keyspace, String memcached) {
    Config padlockConfig = ConfigLoader.withOverrides(ConfigFactory.parseString("""
        squadron.security { mode = plaintext-dev, service-name = padlock }
        squadron.admin.enabled = false
        squadron.rate-limits.default { rate = 1000000, burst = 1000000 }
        squadron.padlock.master-keys { current = 1, keys { 1 = "%s" } }
        squadron.stores {
          # Generous: lightweight transactions on a busy 2-core CI machine can take over a second.
          cassandra { endpoint = "%s", keyspace = %s_padlock, request-timeout = 5s }
          memcached { addresses = "%s", key-prefix = "%s:" }
        }
        """.formatted(MASTER_KEY, cassandraEndpoint, keyspace, memcached, keyspace)));
    return new Testbed(PadlockMain.start(padlockConfig), postgresUrl, cassandraEndpoint, keyspace);
  }

  /** The Padlock port. */
  public int padlockPort() {
    return padlock.port();
  }

  /** A userdb config on the testbed's stores and Padlock, with {@code extra} HOCON on top (it wins). */
  public Config userdbConfig(String extra) {
    return ConfigLoader.withOverrides(ConfigFactory.parseString("""
        squadron.security { mode = plaintext-dev, service-name = userdb }
        squadron.admin.enabled = false
        squadron.rate-limits.default { rate = 1000000, burst = 1000000 }
        squadron.clients.padlock.addresses = ["127.0.0.1:%d"]
        # The tests count failed requests: a busy CI machine must not turn slowness into failures.
        squadron.padlock-client.deadline = 5s
        squadron.stores {
          postgres.url = "%s"
          cassandra { endpoint = "%s", keyspace = %s, request-timeout = 5s }
        }
        squadron.userdb {
          migration.poll-interval = 100ms
          migration.liveness = 3s
        }
        """.formatted(padlock.port(), postgresUrl, cassandraEndpoint, keyspace) + "\n" + extra));
  }

  /** A blocking stub calling userdb at {@code port} as service {@code checkout}. */
  public UserServiceGrpc.UserServiceBlockingStub stub(int port) {
    return UserServiceGrpc.newBlockingStub(channel("userdb", port, "checkout"));
  }

  /** A Padlock client calling as {@code userdb} (to check shredding from outside userdb). */
  public PadlockClient padlockClient() {
    return PadlockClient.builder(channel("padlock", padlock.port(), "userdb")).build();
  }

  private ManagedChannel channel(String service, int port, String caller) {
    Config config = ConfigLoader.withOverrides(ConfigFactory.parseString(
        "squadron.security { mode = plaintext-dev, service-name = " + caller + " }\n"
        + "squadron.clients." + service + ".addresses = [\"127.0.0.1:" + port + "\"]\n"
        + "squadron.clients." + service + ".deadline = 10s"));
    ChannelFactory channels = ClientSecurity.configure(ChannelFactory.builder(ClientsSettings.from(config)), config)
        .build();
    closeables.add(channels);
    return channels.channel(service);
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing test channels
      }
    }
    padlock.close();
  }
}

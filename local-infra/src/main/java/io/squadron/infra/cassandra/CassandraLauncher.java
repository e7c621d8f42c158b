package io.squadron.infra.cassandra;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.InfraStartException;
import io.squadron.infra.process.Ports;
import io.squadron.infra.process.RunDir;
import io.squadron.infra.process.RuntimeClasspath;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Starts a real single-node Cassandra 5.0 on 127.0.0.1 ({@link #start()}), or a local cluster of
 * several nodes on 127.0.0.1, 127.0.0.2, ... ({@link #startCluster(int)}), in a forked Java 17 JVM:
 * a generated {@code cassandra.yaml} ({@code num_tokens: 1}, Murmur3Partitioner, periodic
 * commitlog, every directory in a private work directory, free native-transport and storage ports,
 * the node its own seed), a fixed heap (512 MiB by default) and the JVM flags of Cassandra's own
 * {@code jvm17-server.options}. Ready when the Java driver runs a query: ~12-15 s.
 *
 * <pre>{@code
 * try (CassandraServer cassandra = CassandraLauncher.builder().start();
 *      CqlSession session = cassandra.sessionBuilder().build()) {
 *     session.execute("SELECT release_version FROM system.local");
 * }
 * }</pre>
 */
public final class CassandraLauncher {
  /** Written by the cassandra-runtime module at build time. */
  private static final String CASSANDRA_CLASSPATH =
      "io/squadron/infra/cassandra/cassandra-server.classpath";

  /** How long a start may take by default. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);

  /** Default heap (-Xms and -Xmx) in MiB. */
  public static final int DEFAULT_HEAP_MB = 512;

  private Path workRoot = RunDir.defaultRoot();
  private Duration startTimeout = DEFAULT_START_TIMEOUT;
  private int heapMb = DEFAULT_HEAP_MB;
  private Path javaHome;
  private boolean hintedHandoff = true;
  private final List<String> extraJvmOptions = new ArrayList<>();

  private CassandraLauncher() {}

  /** A launcher with the defaults. */
  public static CassandraLauncher builder() {
    return new CassandraLauncher();
  }

  /**
   * Where work directories go (default {@link RunDir#defaultRoot()}: /dev/shm/squadron-infra when
   * it has room, else java.io.tmpdir/squadron-infra).
   */
  public CassandraLauncher workRoot(Path workRoot) {
    this.workRoot = requireNonNull(workRoot, "workRoot");
    return this;
  }

  /** How long a start may take (default 2 min). */
  public CassandraLauncher startTimeout(Duration startTimeout) {
    requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout: " + startTimeout + " (expected: > 0)");
    }
    this.startTimeout = startTimeout;
    return this;
  }

  /** The server's heap in MiB, both initial and maximum (default 512). */
  public CassandraLauncher heapMb(int heapMb) {
    if (heapMb < 256) {
      throw new IllegalArgumentException("heapMb: " + heapMb + " (expected: >= 256)");
    }
    this.heapMb = heapMb;
    return this;
  }

  /**
   * The Java 17 installation to run the server with (default: this JVM if it is a Java 17, else the
   * first Java 17 under /usr/lib/jvm).
   */
  public CassandraLauncher javaHome(Path javaHome) {
    this.javaHome = requireNonNull(javaHome, "javaHome");
    return this;
  }

  /** Adds a JVM option for the server, after the launcher's own (so it can override them). */
  public CassandraLauncher jvmOption(String option) {
    requireNonNull(option, "option");
    if (!option.startsWith("-")) {
      throw new IllegalArgumentException("jvmOption: " + option + " (expected: starts with '-')");
    }
    extraJvmOptions.add(option);
    return this;
  }

  /**
   * Whether the nodes of a cluster keep hints for a node that is down (default true, Cassandra's
   * default). Off, a stopped node misses every write made while it was down until a repair or a
   * read that involves it: what a replica looks like after its hints expired, made deterministic
   * for tests. The single node has no one to hint.
   */
  public CassandraLauncher hintedHandoff(boolean enabled) {
    this.hintedHandoff = enabled;
    return this;
  }

  /**
   * Starts the node and waits until the Java driver runs {@code SELECT release_version FROM
   * system.local}.
   *
   * @throws InfraStartException if there is no Java 17 or no Cassandra classpath, or the node does
   *     not become ready in time (the message carries the log tail)
   */
  public CassandraServer start() {
    Path java = Java17.locate(javaHome);
    String classpath =
        RuntimeClasspath.load(CASSANDRA_CLASSPATH, "Cassandra", "local-infra/cassandra-runtime");
    Ports ports = Ports.random();
    int nativePort = ports.next();
    int storagePort = ports.next();
    CassandraServer server =
        new CassandraServer(
            RunDir.create(workRoot, "cassandra"),
            nativePort,
            storagePort,
            java,
            classpath,
            heapMb,
            List.copyOf(extraJvmOptions),
            startTimeout);
    server.start();
    return server;
  }

  /**
   * Starts a cluster of {@code nodes} nodes in one datacenter ({@value
   * CassandraServer#DATACENTER}); see {@link #startCluster(List)}.
   */
  public CassandraCluster startCluster(int nodes) {
    if (nodes < 1 || nodes > MAX_CLUSTER_NODES) {
      throw new IllegalArgumentException(
          "nodes: " + nodes + " (expected: 1.." + MAX_CLUSTER_NODES + ")");
    }
    List<String> dcs = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      dcs.add(CassandraServer.DATACENTER);
    }
    return startCluster(dcs);
  }

  /** The most nodes of a local cluster (each a JVM with its own heap). */
  public static final int MAX_CLUSTER_NODES = 9;

  /**
   * Starts a cluster with one node per entry of {@code datacenters} (node {@code i} in datacenter
   * {@code datacenters.get(i)}), node {@code i} on {@code 127.0.0.(i+1)}, all on the same
   * native-transport and storage ports (free on every one of those addresses).
   * GossipingPropertyFileSnitch (each node's datacenter in its {@code
   * cassandra-rackdc.properties}), node 0 as the seed, and evenly spaced initial tokens with {@code
   * auto_bootstrap: false}, so the nodes of a new, empty cluster need not stream to each other and
   * the others start side by side once the seed is up. Returns when every node is ready and seen up
   * by the others.
   *
   * @throws InfraStartException when a node does not start (every node started is closed first)
   */
  public CassandraCluster startCluster(List<String> datacenters) {
    requireNonNull(datacenters, "datacenters");
    int n = datacenters.size();
    if (n < 1 || n > MAX_CLUSTER_NODES) {
      throw new IllegalArgumentException(
          "datacenters: " + n + " nodes (expected: 1.." + MAX_CLUSTER_NODES + ")");
    }
    for (String dc : datacenters) {
      if (dc == null || !dc.matches("[A-Za-z0-9_-]{1,48}")) {
        throw new IllegalArgumentException(
            "datacenter: '" + dc + "' (expected: [A-Za-z0-9_-]{1,48})");
      }
    }
    Path java = Java17.locate(javaHome);
    String classpath =
        RuntimeClasspath.load(CASSANDRA_CLASSPATH, "Cassandra", "local-infra/cassandra-runtime");
    List<InetAddress> hosts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hosts.add(loopback(i + 1));
    }
    Ports ports = Ports.random();
    int nativePort = ports.next(hosts);
    int storagePort = ports.next(hosts);
    List<CassandraServer> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CassandraServer.Node node =
          new CassandraServer.Node(datacenters.get(i), hosts.get(0), token(i, n), hintedHandoff);
      nodes.add(
          new CassandraServer(
              RunDir.create(workRoot, "cassandra"),
              hosts.get(i),
              node,
              nativePort,
              storagePort,
              java,
              classpath,
              heapMb,
              List.copyOf(extraJvmOptions),
              startTimeout));
    }
    CassandraCluster cluster = new CassandraCluster(nodes);
    try {
      nodes.get(0).start(); // the seed first: the others gossip with it to join
      List<CompletableFuture<Void>> rest = new ArrayList<>();
      for (CassandraServer node : nodes.subList(1, n)) {
        rest.add(CompletableFuture.runAsync(node::start));
      }
      for (CompletableFuture<Void> f : rest) {
        try {
          f.join();
        } catch (CompletionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : e;
        }
      }
      cluster.awaitAllUp(startTimeout);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** Murmur3 token of node {@code i} of {@code n}: the ring split evenly. */
  static long token(int i, int n) {
    return Long.MIN_VALUE
        + BigInteger.ONE
            .shiftLeft(64)
            .divide(BigInteger.valueOf(n))
            .multiply(BigInteger.valueOf(i))
            .longValue();
  }

  private static InetAddress loopback(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}

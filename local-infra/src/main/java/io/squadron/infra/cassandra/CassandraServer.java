package io.squadron.infra.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import io.squadron.infra.process.ManagedServer;
import io.squadron.infra.process.Processes;
import io.squadron.infra.process.Readiness;
import io.squadron.infra.process.RunDir;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Cassandra node started by {@link CassandraLauncher}: a single node on 127.0.0.1, or one node of
 * a {@link CassandraCluster} on 127.0.0.N. {@link #stop()} sends SIGTERM, on which Cassandra
 * flushes its memtables and commit log, so a {@link #restart()} finds every write acknowledged
 * before the stop; {@link #close()} kills the JVM at once, its data being deleted anyway.
 */
public final class CassandraServer extends ManagedServer {
  /** The datacenter of a single node with Cassandra's SimpleSnitch. */
  public static final String DATACENTER = "datacenter1";

  /** The JVM flags of Cassandra 5.0's {@code conf/jvm17-server.options}. */
  static final List<String> JVM17_SERVER_OPTIONS =
      List.of(
          "-XX:+UseG1GC",
          "-XX:+ParallelRefProcEnabled",
          "-XX:MaxTenuringThreshold=1",
          "-XX:G1HeapRegionSize=16m",
          "-XX:G1RSetUpdatingPauseTimePercent=5",
          "-XX:MaxGCPauseMillis=300",
          "-XX:InitiatingHeapOccupancyPercent=70",
          "-Djdk.attach.allowAttachSelf=true",
          "--add-exports",
          "java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports",
          "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports",
          "java.sql/java.sql=ALL-UNNAMED",
          "--add-exports",
          "java.base/java.lang.ref=ALL-UNNAMED",
          "--add-exports",
          "jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports",
          "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports",
          "jdk.attach/sun.tools.attach=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.io=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens",
          "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.util=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true",
          "-Dio.netty.allocator.useCacheForAllThreads=true",
          "-Dio.netty.allocator.maxOrder=11");

  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  private final int storagePort;
  private final Path java;
  private final String classpath;
  private final int heapMb;
  private final List<String> extraJvmOptions;
  private final Node node;

  /**
   * Where a node sits in a cluster; {@code null} for the single node (SimpleSnitch, its own seed,
   * defaults).
   *
   * @param datacenter its datacenter (GossipingPropertyFileSnitch, cassandra-rackdc.properties)
   * @param seed the seed's address (the first node; the same storage port everywhere)
   * @param initialToken its one token, so nodes started together own evenly spaced ranges without
   *     bootstrapping
   * @param hintedHandoff whether coordinators keep hints for a node that is down (off: a stopped
   *     node misses writes until a repair or a read at a consistency that involves it, as when
   *     hints expire)
   */
  record Node(String datacenter, InetAddress seed, long initialToken, boolean hintedHandoff) {}

  CassandraServer(
      RunDir runDir,
      int nativePort,
      int storagePort,
      Path java,
      String classpath,
      int heapMb,
      List<String> extraJvmOptions,
      Duration startTimeout) {
    super("cassandra", runDir, nativePort, startTimeout);
    this.storagePort = storagePort;
    this.java = java;
    this.classpath = classpath;
    this.heapMb = heapMb;
    this.extraJvmOptions = extraJvmOptions;
    this.node = null;
  }

  CassandraServer(
      RunDir runDir,
      InetAddress host,
      Node node,
      int nativePort,
      int storagePort,
      Path java,
      String classpath,
      int heapMb,
      List<String> extraJvmOptions,
      Duration startTimeout) {
    super("cassandra", runDir, host, nativePort, startTimeout);
    this.storagePort = storagePort;
    this.java = java;
    this.classpath = classpath;
    this.heapMb = heapMb;
    this.extraJvmOptions = extraJvmOptions;
    this.node = node;
  }

  /** The inter-node (storage) port; {@link #port()} is the native-transport port clients use. */
  public int storagePort() {
    return storagePort;
  }

  /** The datacenter the node is in. */
  public String localDatacenter() {
    return node == null ? DATACENTER : node.datacenter();
  }

  /**
   * This node as {@code 127.0.0.1:PORT/datacenter1} (its address and datacenter), the {@code
   * SQUADRON_CASSANDRA} value.
   */
  public String endpoint() {
    return address().getHostString() + ":" + port() + "/" + localDatacenter();
  }

  /**
   * A driver session builder with this node as contact point, its datacenter as the local one, and
   * timeouts for a node that shares a small machine with builds and tests (requests 15 s instead of
   * the driver's 2 s, schema agreement 30 s). A {@code withConfigLoader(...)} of the caller's
   * replaces those timeouts.
   */
  public CqlSessionBuilder sessionBuilder() {
    return CqlSession.builder()
        .addContactPoint(address())
        .withLocalDatacenter(localDatacenter())
        .withConfigLoader(localTimeouts().build());
  }

  /** The timeouts of {@link #sessionBuilder()}, to extend with more options. */
  public static ProgrammaticDriverConfigLoaderBuilder localTimeouts() {
    return DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(15))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(
            DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30));
  }

  @Override
  protected ProcessHandle launch() throws IOException {
    Path dir = workDir();
    Files.writeString(dir.resolve("cassandra.yaml"), yaml(dir), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("logback.xml"), LOGBACK, StandardCharsets.UTF_8);
    if (node != null) {
      Files.writeString(
          dir.resolve("cassandra-rackdc.properties"),
          "dc=" + node.datacenter() + "\nrack=rack1\n",
          StandardCharsets.UTF_8);
    }
    List<String> command = new ArrayList<>();
    if (Processes.runningAsRoot() && Files.isExecutable(SETPRIV)) {
      // As root, Cassandra mlockall()s its whole JVM (heap included): ~1 GB resident instead of
      // ~650 MB at
      // a 512 MiB heap, for no gain on a machine without swap. Without CAP_IPC_LOCK the call fails
      // with a
      // warning and the node runs on.
      command.addAll(List.of(SETPRIV.toString(), "--bounding-set=-ipc_lock", "--"));
    }
    command.add(java.toString());
    command.add("-Xms" + heapMb + "m");
    command.add("-Xmx" + heapMb + "m");
    command.add("-Xss256k");
    command.addAll(JVM17_SERVER_OPTIONS);
    command.addAll(
        List.of(
            "-XX:+UseThreadPriorities",
            "-XX:+PerfDisableSharedMem",
            "-Djava.net.preferIPv4Stack=true",
            "-Dcassandra.config=" + dir.resolve("cassandra.yaml").toUri(),
            "-Dcassandra.storagedir=" + dir,
            "-Dcassandra.logdir=" + dir.resolve("logs"),
            "-Dcassandra-foreground=yes",
            "-Dcassandra.skip_wait_for_gossip_to_settle=0",
            "-Dlogback.configurationFile=" + dir.resolve("logback.xml").toUri()));
    if (node != null) {
      command.add(
          "-Dcassandra-rackdc.properties=" + dir.resolve("cassandra-rackdc.properties").toUri());
    }
    command.addAll(extraJvmOptions);
    command.addAll(List.of("-cp", classpath, "org.apache.cassandra.service.CassandraDaemon"));
    return new ProcessBuilder(Processes.inOwnSession(command))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
        .start()
        .toHandle();
  }

  private String yaml(Path dir) {
    String host = address().getHostString();
    String cluster =
        node == null
            ? ""
            : String.join(
                "\n",
                "initial_token: " + node.initialToken(),
                "auto_bootstrap: false",
                "hinted_handoff_enabled: " + node.hintedHandoff(),
                // Replicas are ordered by the snitch alone: a coordinator that is a replica answers
                // a read at ONE
                // from its own copy, so a test knows which replica it asked (the dynamic snitch
                // reorders by latency).
                "dynamic_snitch: false",
                "");
    return String.join(
        "\n",
        "cluster_name: squadron-local",
        "num_tokens: 1",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: " + (node == null ? "SimpleSnitch" : "GossipingPropertyFileSnitch"),
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \""
            + (node == null ? "127.0.0.1" : node.seed().getHostAddress())
            + ":"
            + storagePort
            + "\"",
        "listen_address: " + host,
        "rpc_address: " + host,
        "storage_port: " + storagePort,
        "native_transport_port: " + port(),
        "start_native_transport: true",
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "commitlog_directory: " + dir.resolve("commitlog"),
        "data_file_directories:",
        "  - " + dir.resolve("data"),
        "saved_caches_directory: " + dir.resolve("saved_caches"),
        "hints_directory: " + dir.resolve("hints"),
        "cdc_raw_directory: " + dir.resolve("cdc_raw"),
        "authenticator: AllowAllAuthenticator",
        "authorizer: AllowAllAuthorizer",
        "auto_snapshot: false",
        "snapshot_before_compaction: false",
        "concurrent_reads: 8",
        "concurrent_writes: 8",
        "concurrent_counter_writes: 8",
        cluster);
  }

  private static final String LOGBACK =
      String.join(
          "\n",
          "<configuration scan=\"false\">",
          "  <appender name=\"STDOUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
          "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{25} - %msg%n</pattern></encoder>",
          "  </appender>",
          "  <root level=\"INFO\"><appender-ref ref=\"STDOUT\"/></root>",
          "</configuration>",
          "");

  @Override
  protected void checkReady() throws Exception {
    Readiness.portOpen(address()).check();
    try (CqlSession session =
        sessionBuilder()
            .withConfigLoader(
                localTimeouts()
                    // A readiness probe needs no schema or token metadata; skipping it saves
                    // seconds.
                    .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                    .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
                    .build())
            .build()) {
      if (session.execute("SELECT release_version FROM system.local").one() == null) {
        throw new IllegalStateException("system.local is empty");
      }
    }
  }

  @Override
  protected Path logFile() {
    return workDir().resolve("cassandra.log");
  }
}

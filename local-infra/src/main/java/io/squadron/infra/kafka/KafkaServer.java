package io.squadron.infra.kafka;

import io.squadron.infra.process.ManagedServer;
import io.squadron.infra.process.Processes;
import io.squadron.infra.process.Readiness;
import io.squadron.infra.process.RunDir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/**
 * A single Kafka broker (KRaft, combined broker and controller) started by {@link KafkaLauncher}.
 * {@link #stop()} sends SIGTERM, on which Kafka shuts down cleanly (logs flushed, a clean-shutdown
 * marker written); {@link #kill()} is a crash, after which {@link #restart()} runs Kafka's log
 * recovery. Either way every record the broker acknowledged is still there after the restart: it
 * was written to the log files before the acknowledgement (to the page cache; only a crash of the
 * machine could lose it, and this single node has no replicas to cover for that).
 */
public final class KafkaServer extends ManagedServer {
  /** The node id of the single broker and controller. */
  public static final int NODE_ID = 1;

  /** Properties the launcher owns: ports, listeners, roles and directories. */
  static final Set<String> FIXED_PROPERTIES =
      Set.of(
          "process.roles",
          "node.id",
          "controller.quorum.voters",
          "listeners",
          "advertised.listeners",
          "controller.listener.names",
          "inter.broker.listener.name",
          "listener.security.protocol.map",
          "log.dirs",
          "log.dir",
          "metadata.log.dir");

  /**
   * The defaults for a local single node: replication factors of 1, small internal topics (the
   * defaults' 50 partitions each cost seconds at the first consumer group), no rebalance delay,
   * short consumer sessions, fewer threads on two cores, and topics created explicitly (a typo in a
   * topic name fails instead of creating a topic).
   */
  static final Map<String, String> DEFAULT_PROPERTIES = defaults();

  private final int controllerPort;
  private final Path java;
  private final String classpath;
  private final int heapMb;
  private final List<String> extraJvmOptions;
  private final Map<String, String> brokerProperties;
  private final String clusterId;

  /**
   * The shared class-data archive of this Java and classpath, or null when class-data sharing is
   * off.
   */
  private final Path cdsArchive;

  /** Whether the running broker writes the archive when it exits (none existed at launch). */
  private boolean dumpingArchive;

  KafkaServer(
      RunDir runDir,
      int clientPort,
      int controllerPort,
      Path java,
      String classpath,
      int heapMb,
      List<String> extraJvmOptions,
      Map<String, String> brokerProperties,
      Duration startTimeout,
      Path cdsArchive) {
    super("kafka", runDir, clientPort, startTimeout);
    this.controllerPort = controllerPort;
    this.java = java;
    this.classpath = classpath;
    this.heapMb = heapMb;
    this.extraJvmOptions = extraJvmOptions;
    this.brokerProperties = brokerProperties;
    this.clusterId = newClusterId();
    this.cdsArchive = cdsArchive;
  }

  private static Map<String, String> defaults() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("share.coordinator.state.topic.num.partitions", "4");
    p.put("group.initial.rebalance.delay.ms", "0");
    // A consumer that died without leaving (SIGKILL: local instances are killed on purpose, by
    // chaos
    // and by tests) keeps its partitions until its session times out: 10 s here, not 45, and a
    // restarted broker, which gives every member it reloads a new session, holds them as long.
    p.put("group.consumer.min.session.timeout.ms", "6000");
    p.put("group.consumer.session.timeout.ms", "10000");
    p.put("group.consumer.min.heartbeat.interval.ms", "1000");
    p.put("group.consumer.heartbeat.interval.ms", "2000");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("num.recovery.threads.per.data.dir", "2");
    return Map.copyOf(p);
  }

  /**
   * A random cluster id in Kafka's form (16 bytes, URL-safe base64 without padding), never starting
   * with '-'.
   */
  private static String newClusterId() {
    while (true) {
      UUID uuid = UUID.randomUUID();
      byte[] bytes =
          ByteBuffer.allocate(16)
              .putLong(uuid.getMostSignificantBits())
              .putLong(uuid.getLeastSignificantBits())
              .array();
      String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      if (!id.startsWith("-")) { // the storage tool's argument parser would take it for an option
        return id;
      }
    }
  }

  /**
   * {@code 127.0.0.1:<port>}: the {@code bootstrap.servers} of clients and the {@code
   * SQUADRON_KAFKA} value.
   */
  public String bootstrapServers() {
    return address().getHostString() + ":" + port();
  }

  /** The KRaft controller's port (clients never use it). */
  public int controllerPort() {
    return controllerPort;
  }

  /** The cluster id the storage was formatted with. */
  public String clusterId() {
    return clusterId;
  }

  /**
   * {@code bootstrap.servers} for a Kafka client of this broker, to extend with the client's own
   * settings.
   */
  public Map<String, Object> clientProperties() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
  }

  @Override
  protected ProcessHandle launch() throws IOException {
    Path dir = workDir();
    Files.writeString(
        dir.resolve("server.properties"), serverProperties(dir), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("log4j2.xml"), LOG4J2, StandardCharsets.UTF_8);
    if (!Files.exists(dir.resolve("data/meta.properties"))) {
      format(dir);
    }
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Xms128m");
    command.add("-Xmx" + heapMb + "m");
    // Kafka's own KAFKA_JVM_PERFORMANCE_OPTS (kafka-run-class.sh).
    command.addAll(
        List.of(
            "-server",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:MaxInlineLevel=15",
            "-Djava.awt.headless=true",
            "-XX:+PerfDisableSharedMem"));
    command.addAll(logOptions(dir));
    dumpingArchive = false;
    if (cdsArchive != null) {
      // Application class-data sharing halves the broker's start-up CPU (~9 s -> ~5 s here): the
      // first broker
      // of a Java and classpath writes the archive when it stops cleanly, later ones map it.
      if (Files.isRegularFile(cdsArchive)) {
        command.add("-XX:SharedArchiveFile=" + cdsArchive);
      } else {
        command.add("-XX:ArchiveClassesAtExit=" + dir.resolve(CDS_DUMP));
        dumpingArchive = true;
      }
    }
    command.addAll(extraJvmOptions);
    command.addAll(
        List.of("-cp", classpath, "kafka.Kafka", dir.resolve("server.properties").toString()));
    return new ProcessBuilder(Processes.inOwnSession(command))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
        .start()
        .toHandle();
  }

  /**
   * {@code kafka.tools.StorageTool format}: writes meta.properties and the bootstrap metadata
   * checkpoint.
   */
  private void format(Path dir) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(java.toString(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(logOptions(dir));
    command.addAll(
        List.of(
            "-cp",
            classpath,
            "kafka.tools.StorageTool",
            "format",
            "--cluster-id",
            clusterId,
            "--config",
            dir.resolve("server.properties").toString()));
    Process format =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
            .start();
    try {
      if (!format.waitFor(60, TimeUnit.SECONDS)) {
        format.destroyForcibly();
        throw new IOException("kafka.tools.StorageTool format did not finish in 60 s");
      }
    } catch (InterruptedException e) {
      format.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while formatting the storage", e);
    }
    if (format.exitValue() != 0) {
      throw new IOException("kafka.tools.StorageTool format exited with " + format.exitValue());
    }
  }

  private static List<String> logOptions(Path dir) {
    return List.of(
        "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.xml").toUri(),
        "-Dkafka.logs.dir=" + dir.resolve("logs"));
  }

  private String serverProperties(Path dir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + port() + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port());
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dir.resolve("data").toString());
    p.putAll(DEFAULT_PROPERTIES);
    p.putAll(brokerProperties);
    StringBuilder text =
        new StringBuilder("# Written by squadron local-infra; regenerated at every start.\n");
    p.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    return text.toString();
  }

  private static final String LOG4J2 =
      String.join(
          "\n",
          "<Configuration status=\"WARN\">",
          "  <Appenders>",
          "    <Console name=\"STDOUT\"><PatternLayout pattern=\"%d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %m%n\"/></Console>",
          "  </Appenders>",
          "  <Loggers>",
          "    <Logger name=\"org.apache.kafka.common.config.AbstractConfig\" level=\"WARN\"/>",
          "    <Logger name=\"org.apache.kafka.common.utils.AppInfoParser\" level=\"WARN\"/>",
          "    <Root level=\"INFO\"><AppenderRef ref=\"STDOUT\"/></Root>",
          "  </Loggers>",
          "</Configuration>",
          "");

  @Override
  protected void checkReady() throws Exception {
    Readiness.portOpen(address()).check();
    Map<String, Object> config = new LinkedHashMap<>(clientProperties());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "squadron-infra-readiness");
    Admin admin = Admin.create(config);
    try {
      // The broker serves requests only once it is registered with the controller and unfenced.
      Collection<Node> nodes = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
      if (nodes.stream().noneMatch(node -> node.id() == NODE_ID)) {
        throw new IllegalStateException(
            "broker " + NODE_ID + " not in the cluster metadata yet: " + nodes);
      }
    } finally {
      admin.close(Duration.ofMillis(500));
    }
  }

  private static final String CDS_DUMP = "kafka-cds.jsa";

  @Override
  protected void halt(ProcessHandle main) {
    if (dumpingArchive) {
      // A SIGKILL would lose the archive this broker writes at exit: let it stop (a few seconds,
      // once).
      Processes.terminateTree(main, 15_000);
    } else {
      Processes.killTree(main);
    }
  }

  @Override
  protected void afterStop() {
    Path dump = workDir().resolve(CDS_DUMP);
    if (cdsArchive == null || !Files.isRegularFile(dump)) {
      return;
    }
    try {
      Files.createDirectories(cdsArchive.getParent());
      if (!Files.exists(cdsArchive)) {
        Files.move(dump, cdsArchive, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      // another broker published its archive first, or the root is read-only: start without sharing
    } finally {
      try {
        Files.deleteIfExists(dump);
      } catch (IOException e) {
        // deleted with the work directory
      }
    }
  }

  @Override
  protected Path logFile() {
    return workDir().resolve("kafka.log");
  }
}

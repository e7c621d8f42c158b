package io.squadron.infra.kafka;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.InfraStartException;
import io.squadron.infra.process.Ports;
import io.squadron.infra.process.RunDir;
import io.squadron.infra.process.RuntimeClasspath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a real single-node Apache Kafka broker on 127.0.0.1 in a forked JVM, in KRaft combined
 * mode (one process is both broker and controller, node id 1): a generated {@code
 * server.properties} (free client and controller ports, data in a private work directory, every
 * replication factor 1, topics created explicitly), the storage formatted with Kafka's {@code
 * kafka.tools.StorageTool}, then {@code kafka.Kafka server.properties}. Ready when an admin client
 * finds the broker in the cluster metadata: ~3-6 s on two cores.
 *
 * <pre>{@code
 * try (KafkaServer kafka = KafkaLauncher.builder().start();
 *      Admin admin = Admin.create(kafka.clientProperties())) {
 *     admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1))).all().get();
 * }
 * }</pre>
 */
public final class KafkaLauncher {
  /** How long a start may take by default. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);

  /** Default maximum heap in MiB: the broker of a shared two-core machine needs little. */
  public static final int DEFAULT_HEAP_MB = 384;

  private Path workRoot = RunDir.defaultRoot();
  private Duration startTimeout = DEFAULT_START_TIMEOUT;
  private int heapMb = DEFAULT_HEAP_MB;
  private Path javaHome;
  private boolean classDataSharing = true;
  private final List<String> extraJvmOptions = new ArrayList<>();
  private final Map<String, String> brokerProperties = new LinkedHashMap<>();

  private KafkaLauncher() {}

  /** A launcher with the defaults. */
  public static KafkaLauncher builder() {
    return new KafkaLauncher();
  }

  /** Where work directories go (default {@link RunDir#defaultRoot()}). */
  public KafkaLauncher workRoot(Path workRoot) {
    this.workRoot = requireNonNull(workRoot, "workRoot");
    return this;
  }

  /** How long a start (format included) may take (default 90 s). */
  public KafkaLauncher startTimeout(Duration startTimeout) {
    requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout: " + startTimeout + " (expected: > 0)");
    }
    this.startTimeout = startTimeout;
    return this;
  }

  /** The broker's maximum heap in MiB (default 384). */
  public KafkaLauncher heapMb(int heapMb) {
    if (heapMb < 128) {
      throw new IllegalArgumentException("heapMb: " + heapMb + " (expected: >= 128)");
    }
    this.heapMb = heapMb;
    return this;
  }

  /** The Java installation (17 or newer) to run the broker with (default: this JVM's). */
  public KafkaLauncher javaHome(Path javaHome) {
    requireNonNull(javaHome, "javaHome");
    if (!Files.isExecutable(javaHome.resolve("bin/java"))) {
      throw new IllegalArgumentException(
          "javaHome: " + javaHome + " (expected: a directory with bin/java)");
    }
    this.javaHome = javaHome;
    return this;
  }

  /**
   * Whether brokers share an application class-data archive (default true): the first broker of a
   * Java and Kafka classpath writes {@code <workRoot>/kafka-cds/<key>.jsa} when it stops (its close
   * then takes a few seconds instead of a SIGKILL); later ones start with about half the CPU.
   */
  public KafkaLauncher classDataSharing(boolean enabled) {
    this.classDataSharing = enabled;
    return this;
  }

  /** Adds a JVM option for the broker, after the launcher's own (so it can override them). */
  public KafkaLauncher jvmOption(String option) {
    requireNonNull(option, "option");
    if (!option.startsWith("-")) {
      throw new IllegalArgumentException("jvmOption: " + option + " (expected: starts with '-')");
    }
    extraJvmOptions.add(option);
    return this;
  }

  /**
   * Sets a {@code server.properties} entry, overriding the launcher's (e.g. {@code num.partitions}
   * or {@code auto.create.topics.enable}). Listeners, ports, node id and directories are the
   * launcher's.
   */
  public KafkaLauncher brokerProperty(String key, String value) {
    requireNonNull(key, "key");
    requireNonNull(value, "value");
    if (KafkaServer.FIXED_PROPERTIES.contains(key)) {
      throw new IllegalArgumentException(
          "brokerProperty: "
              + key
              + " (expected: not one the launcher sets: "
              + KafkaServer.FIXED_PROPERTIES
              + ")");
    }
    brokerProperties.put(key, value);
    return this;
  }

  /**
   * {@code <workRoot>/kafka-cds/<hash>.jsa}, the hash covering the Java installation (its path and
   * the time its class library was installed, so an upgraded JDK gets a new archive) and the
   * classpath.
   */
  private Path cdsArchive(Path java, String classpath) {
    try {
      Path bin = java.toRealPath();
      Path modules = bin.getParent().getParent().resolve("lib/modules");
      String installed = Files.exists(modules) ? Files.getLastModifiedTime(modules).toString() : "";
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((bin + "\n" + installed + "\n" + classpath).getBytes(StandardCharsets.UTF_8));
      String key = HexFormat.of().formatHex(sha.digest(), 0, 12);
      return workRoot.resolve("kafka-cds").resolve("kafka-" + key + ".jsa");
    } catch (NoSuchAlgorithmException | java.io.IOException e) {
      return null;
    }
  }

  /**
   * Formats the storage, starts the broker and waits until an admin client sees it in the cluster
   * metadata.
   *
   * @throws InfraStartException if there is no Kafka classpath or the broker does not become ready
   *     in time (the message carries the log tail)
   */
  public KafkaServer start() {
    Path java =
        (javaHome != null ? javaHome : Path.of(System.getProperty("java.home")))
            .resolve("bin/java");
    if (javaHome == null && Runtime.version().feature() < 17) {
      throw new InfraStartException(
          "Kafka 4 needs Java 17 or newer: this JVM is Java "
              + Runtime.version().feature()
              + "; name a Java 17 with javaHome(...)");
    }
    String classpath =
        RuntimeClasspath.load(
            "io/squadron/infra/kafka/kafka-server.classpath", "Kafka", "local-infra/kafka-runtime");
    Ports ports = Ports.random();
    int clientPort = ports.next();
    int controllerPort = ports.next();
    KafkaServer server =
        new KafkaServer(
            RunDir.create(workRoot, "kafka"),
            clientPort,
            controllerPort,
            java,
            classpath,
            heapMb,
            List.copyOf(extraJvmOptions),
            Map.copyOf(brokerProperties),
            startTimeout,
            classDataSharing ? cdsArchive(java, classpath) : null);
    server.start();
    return server;
  }
}

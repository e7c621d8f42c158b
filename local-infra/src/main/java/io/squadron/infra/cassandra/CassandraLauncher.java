package io.squadron.infra.cassandra;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.InfraStartException;
import io.squadron.infra.process.Ports;
import io.squadron.infra.process.RunDir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a real single-node Cassandra 5.0 on 127.0.0.1 in a forked Java 17 JVM: a generated {@code cassandra.yaml}
 * ({@code num_tokens: 1}, Murmur3Partitioner, periodic commitlog, every directory in a private work directory,
 * free native-transport and storage ports, the node its own seed), a fixed heap (512 MiB by default) and the JVM
 * flags of Cassandra's own {@code jvm17-server.options}. Ready when the Java driver runs a query: ~12-15 s.
 *
 * <pre>{@code
 * try (CassandraServer cassandra = CassandraLauncher.builder().start();
 *      CqlSession session = cassandra.sessionBuilder().build()) {
 *     session.execute("SELECT release_version FROM system.local");
 * }
 * }</pre>
 */
public final class CassandraLauncher {
    /** How long a start may take by default. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);
    /** Default heap (-Xms and -Xmx) in MiB. */
    public static final int DEFAULT_HEAP_MB = 512;

    private Path workRoot = RunDir.defaultRoot();
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private int heapMb = DEFAULT_HEAP_MB;
    private Path javaHome;
    private final List<String> extraJvmOptions = new ArrayList<>();

    private CassandraLauncher() {}

    /** A launcher with the defaults. */
    public static CassandraLauncher builder() {
        return new CassandraLauncher();
    }

    /** Where work directories go (default {@link RunDir#defaultRoot()}: /dev/shm/squadron-infra when it has room, else java.io.tmpdir/squadron-infra). */
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
     * The Java 17 installation to run the server with (default: this JVM if it is a Java 17, else the first Java 17
     * under /usr/lib/jvm).
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
     * Starts the node and waits until the Java driver runs {@code SELECT release_version FROM system.local}.
     *
     * @throws InfraStartException if there is no Java 17 or no Cassandra classpath, or the node does not become
     *     ready in time (the message carries the log tail)
     */
    public CassandraServer start() {
        Path java = Java17.locate(javaHome);
        String classpath = CassandraClasspath.load();
        Ports ports = Ports.random();
        int nativePort = ports.next();
        int storagePort = ports.next();
        CassandraServer server = new CassandraServer(RunDir.create(workRoot, "cassandra"), nativePort, storagePort,
                java, classpath, heapMb, List.copyOf(extraJvmOptions), startTimeout);
        server.start();
        return server;
    }
}

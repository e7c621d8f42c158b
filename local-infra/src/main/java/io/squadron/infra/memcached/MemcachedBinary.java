package io.squadron.infra.memcached;

import io.squadron.infra.InfraStartException;
import io.squadron.infra.process.ManagedServer;
import io.squadron.infra.process.Processes;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the {@code memcached} binary, installing the Debian package when it is missing and we are root. */
final class MemcachedBinary {
    private static final Logger log = LoggerFactory.getLogger(MemcachedBinary.class);
    static final String INSTALL_COMMAND = "apt-get update && apt-get install -y memcached";

    private MemcachedBinary() {}

    /**
     * The memcached binary on {@code PATH} or in /usr/bin; if there is none and {@code install} is set and this
     * JVM runs as root, installs the Debian package first (serialised across JVMs by a lock file in
     * {@code workRoot}).
     */
    static Path locate(String searchPath, boolean install, Path workRoot) {
        Optional<Path> found = find(searchPath);
        if (found.isPresent()) {
            return found.get();
        }
        if (!install || !Processes.runningAsRoot()) {
            throw new InfraStartException("memcached is not installed. Install it with: sudo sh -c '"
                    + INSTALL_COMMAND + "'");
        }
        try {
            Files.createDirectories(workRoot);
            try (FileChannel channel = FileChannel.open(workRoot.resolve("apt.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                found = find(searchPath); // another JVM may have installed it while we waited
                if (found.isEmpty()) {
                    aptInstall(workRoot.resolve("apt-memcached.log"));
                    found = find(searchPath);
                }
            }
        } catch (IOException e) {
            throw new InfraStartException("cannot install memcached (" + e.getMessage() + "); install it with: "
                    + INSTALL_COMMAND, e);
        }
        return found.orElseThrow(() -> new InfraStartException(
                "memcached is still missing after installing the Debian package; install it with: " + INSTALL_COMMAND));
    }

    private static Optional<Path> find(String searchPath) {
        String path = (searchPath == null ? "" : searchPath) + File.pathSeparator + "/usr/bin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "memcached");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static void aptInstall(Path logFile) throws IOException {
        log.info("memcached is missing: running '{}' (log: {})", INSTALL_COMMAND, logFile);
        long started = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", INSTALL_COMMAND)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process apt = builder.start();
        try {
            if (!apt.waitFor(10, TimeUnit.MINUTES)) {
                apt.destroyForcibly();
                throw new InfraStartException("'" + INSTALL_COMMAND + "' did not finish in 10 minutes; log tail:\n"
                        + ManagedServer.tail(logFile, 20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            apt.destroyForcibly();
            throw new InfraStartException("interrupted while installing memcached", e);
        }
        if (apt.exitValue() != 0) {
            throw new InfraStartException("'" + INSTALL_COMMAND + "' failed (exit " + apt.exitValue()
                    + "); log tail:\n" + ManagedServer.tail(logFile, 20));
        }
        log.info("memcached installed in {} s", (System.nanoTime() - started) / 1_000_000_000);
    }
}

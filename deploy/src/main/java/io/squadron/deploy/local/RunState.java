package io.squadron.deploy.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What a running local platform left for {@code down} and {@code status}: the supervising process
 * and every service process with its ports, in a properties file under the run directory.
 *
 * @param supervisorPid the {@code squadron up} process (it also owns the stores and stops
 *     everything on SIGTERM)
 * @param supervisorStartMillis when it started (epoch ms), to tell it from a later process with the
 *     same pid
 * @param services the service processes
 */
public record RunState(
    long supervisorPid, long supervisorStartMillis, List<RunningService> services) {
  public RunState {
    services = List.copyOf(services);
  }

  /** Writes the state atomically. */
  public void write(Path file) {
    Properties p = new Properties();
    p.setProperty("supervisor.pid", Long.toString(supervisorPid));
    p.setProperty("supervisor.start", Long.toString(supervisorStartMillis));
    List<String> names = new ArrayList<>();
    for (RunningService s : services) {
      names.add(s.name());
      p.setProperty(s.name() + ".pid", Long.toString(s.pid()));
      p.setProperty(s.name() + ".port", Integer.toString(s.port()));
      p.setProperty(s.name() + ".admin-port", Integer.toString(s.adminPort()));
      p.setProperty(s.name() + ".start", Long.toString(s.startMillis()));
      p.setProperty(s.name() + ".module", s.moduleDir());
    }
    p.setProperty("services", String.join(",", names));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(out, "squadron local platform");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + tmp, e);
    }
    try {
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The running service named {@code name}. */
  public Optional<RunningService> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The supervisor process, if it still runs. */
  public Optional<ProcessHandle> liveSupervisor() {
    return Processes.find(supervisorPid, supervisorStartMillis);
  }

  /** The state in {@code file}, if a platform was started. */
  public static Optional<RunState> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<RunningService> services = new ArrayList<>();
    String names = p.getProperty("services", "");
    if (!names.isBlank()) {
      for (String name : names.split(",")) {
        services.add(
            new RunningService(
                name,
                p.getProperty(name + ".module"),
                Long.parseLong(p.getProperty(name + ".pid")),
                Integer.parseInt(p.getProperty(name + ".port")),
                Integer.parseInt(p.getProperty(name + ".admin-port")),
                Long.parseLong(p.getProperty(name + ".start", "-1"))));
      }
    }
    return Optional.of(
        new RunState(
            Long.parseLong(p.getProperty("supervisor.pid", "-1")),
            Long.parseLong(p.getProperty("supervisor.start", "-1")),
            services));
  }
}

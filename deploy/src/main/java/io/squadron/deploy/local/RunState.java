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
 * What a running local platform left for {@code down} and {@code status}: the supervising process and every service
 * process with its ports, in a properties file under the run directory.
 *
 * @param supervisorPid the {@code squadron up} process (it also owns the stores and stops everything on SIGTERM)
 * @param supervisorStartMillis when it started (epoch ms), to tell it from a later process with the same pid
 * @param services the service processes
 */
public record RunState(long supervisorPid, long supervisorStartMillis, List<RunningService> services) {
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
      names.add(s.spec().name());
      p.setProperty(s.spec().name() + ".pid", Long.toString(s.pid()));
      p.setProperty(s.spec().name() + ".port", Integer.toString(s.port()));
      p.setProperty(s.spec().name() + ".admin-port", Integer.toString(s.adminPort()));
      p.setProperty(s.spec().name() + ".start", Long.toString(s.startMillis()));
      p.setProperty(s.spec().name() + ".module", s.spec().moduleDir());
      p.setProperty(s.spec().name() + ".main", s.spec().mainClass());
      p.setProperty(s.spec().name() + ".grpc-services", String.join(",", s.spec().grpcServices()));
    }
    p.setProperty("services", String.join(",", names));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(out, "squadron local platform");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + tmp, e);
    }
    try {
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
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
        services.add(new RunningService(
            new ServiceSpec(name, p.getProperty(name + ".module"), p.getProperty(name + ".main"),
                List.of(p.getProperty(name + ".grpc-services", "").split(",")), java.util.Optional.empty()),
            Long.parseLong(p.getProperty(name + ".pid")),
            Integer.parseInt(p.getProperty(name + ".port")),
            Integer.parseInt(p.getProperty(name + ".admin-port")),
            Long.parseLong(p.getProperty(name + ".start", "-1"))));
      }
    }
    return Optional.of(new RunState(Long.parseLong(p.getProperty("supervisor.pid", "-1")),
        Long.parseLong(p.getProperty("supervisor.start", "-1")), services));
  }
}

package io.squadron.deploy.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The observed state of a running local platform, for {@code down}, {@code status} and other
 * commands: the supervising process and every slot's instance (process, ports, release, state,
 * restarts, last exit), in a properties file under the run directory that the supervisor rewrites
 * (atomically) whenever something changes.
 *
 * @param supervisorPid the {@code squadron up} process (it also owns the stores and stops
 *     everything on SIGTERM)
 * @param supervisorStartMillis when it started (epoch ms), to tell it from a later process with the
 *     same pid
 * @param instances every slot's instance, in start order
 */
public record RunState(
    long supervisorPid, long supervisorStartMillis, List<InstanceStatus> instances) {
  public RunState {
    instances = List.copyOf(instances);
  }

  /** Every slot's (current or last) process, in start order. */
  public List<RunningService> services() {
    return instances.stream().map(InstanceStatus::process).toList();
  }

  /** The instances of {@code service}. */
  public List<InstanceStatus> instancesOf(String service) {
    return instances.stream().filter(i -> i.slot().service().equals(service)).toList();
  }

  /** The instance in {@code slot}. */
  public Optional<InstanceStatus> instance(InstanceSlot slot) {
    return instances.stream().filter(i -> i.slot().equals(slot)).findFirst();
  }

  /** An instance of the service named {@code name}: a running one if there is one. */
  public Optional<RunningService> service(String name) {
    List<InstanceStatus> of = instancesOf(name);
    return of.stream()
        .filter(i -> i.state() == InstanceState.RUNNING)
        .findFirst()
        .or(() -> of.stream().findFirst())
        .map(InstanceStatus::process);
  }

  /** Writes the state atomically. */
  public void write(Path file) {
    Properties p = new Properties();
    p.setProperty("supervisor.pid", Long.toString(supervisorPid));
    p.setProperty("supervisor.start", Long.toString(supervisorStartMillis));
    List<String> keys = new ArrayList<>();
    for (InstanceStatus i : instances) {
      RunningService s = i.process();
      String k = s.slot().fileName();
      keys.add(k);
      p.setProperty(k + ".service", s.slot().service());
      p.setProperty(k + ".region", s.slot().region());
      p.setProperty(k + ".group", s.slot().group());
      p.setProperty(k + ".index", Integer.toString(s.slot().index()));
      p.setProperty(k + ".pid", Long.toString(s.pid()));
      p.setProperty(k + ".port", Integer.toString(s.port()));
      p.setProperty(k + ".admin-port", Integer.toString(s.adminPort()));
      p.setProperty(k + ".start", Long.toString(s.startMillis()));
      p.setProperty(k + ".module", s.moduleDir());
      p.setProperty(k + ".release", i.release());
      p.setProperty(k + ".state", i.state().name());
      p.setProperty(k + ".restarts", Integer.toString(i.restarts()));
      i.lastExit().ifPresent(e -> p.setProperty(k + ".last-exit", Integer.toString(e)));
    }
    p.setProperty("instances", String.join(",", keys));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(out, "squadron local platform");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + tmp, e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
    List<InstanceStatus> instances = new ArrayList<>();
    String keys = p.getProperty("instances", "");
    if (!keys.isBlank()) {
      for (String k : keys.split(",")) {
        RunningService process =
            new RunningService(
                new InstanceSlot(
                    p.getProperty(k + ".service"),
                    p.getProperty(k + ".region"),
                    p.getProperty(k + ".group"),
                    Integer.parseInt(p.getProperty(k + ".index"))),
                p.getProperty(k + ".module"),
                Long.parseLong(p.getProperty(k + ".pid")),
                Integer.parseInt(p.getProperty(k + ".port")),
                Integer.parseInt(p.getProperty(k + ".admin-port")),
                Long.parseLong(p.getProperty(k + ".start", "-1")));
        String exit = p.getProperty(k + ".last-exit");
        instances.add(
            new InstanceStatus(
                process,
                p.getProperty(k + ".release", Releases.CURRENT),
                InstanceState.valueOf(p.getProperty(k + ".state", "RUNNING")),
                Integer.parseInt(p.getProperty(k + ".restarts", "0")),
                exit == null ? Optional.empty() : Optional.of(Integer.parseInt(exit))));
      }
    }
    return Optional.of(
        new RunState(
            Long.parseLong(p.getProperty("supervisor.pid", "-1")),
            Long.parseLong(p.getProperty("supervisor.start", "-1")),
            instances));
  }
}

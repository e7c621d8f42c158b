package io.squadron.deploy.rollout;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.local.DesiredInstance;
import io.squadron.deploy.local.DesiredState;
import io.squadron.deploy.local.DesiredStateFile;
import io.squadron.deploy.local.InstanceSlot;
import io.squadron.deploy.local.InstanceState;
import io.squadron.deploy.local.InstanceStatus;
import io.squadron.deploy.local.RunState;
import io.squadron.deploy.local.Workspace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The local platform as a rollout's {@link Fleet}: the desired state is {@code up}'s {@code
 * desired.json} (changed under its lock, so the supervisor and this command never lose each other's
 * change), and convergence is read from the state file the supervisor keeps ({@link RunState}):
 * every desired slot RUNNING its desired release on its desired ports, and no other slot of the
 * service running.
 */
public final class LocalFleet implements Fleet {
  private static final Duration POLL = Duration.ofMillis(200);

  private final DesiredStateFile desired;
  private final Path stateFile;

  /** The fleet of {@code desired} as observed in {@code stateFile}. */
  public LocalFleet(DesiredStateFile desired, Path stateFile) {
    this.desired = requireNonNull(desired, "desired");
    this.stateFile = requireNonNull(stateFile, "stateFile");
  }

  /** The running local platform of {@code workspace}. */
  public static LocalFleet of(Workspace workspace) {
    return new LocalFleet(DesiredStateFile.of(workspace), workspace.stateFile());
  }

  @Override
  public List<Instance> instances(String service) {
    requireNonNull(service, "service");
    DesiredState state =
        desired
            .read()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no desired state at "
                            + desired.path()
                            + " (./squadron up starts the platform)"));
    return state.instancesOf(service).stream().map(LocalFleet::toFleet).toList();
  }

  @Override
  public List<Instance> update(String service, UnaryOperator<List<Instance>> change) {
    requireNonNull(service, "service");
    requireNonNull(change, "change");
    DesiredState written =
        desired.update(
            state -> {
              List<Instance> next =
                  List.copyOf(
                      change.apply(
                          state.instancesOf(service).stream().map(LocalFleet::toFleet).toList()));
              DesiredState out = state;
              for (DesiredInstance d : state.instancesOf(service)) {
                if (next.stream().noneMatch(i -> slotOf(service, i).equals(d.slot()))) {
                  out = out.without(d.slot());
                }
              }
              for (Instance i : next) {
                out = out.with(toDesired(service, i, out));
              }
              return out;
            });
    return written.instancesOf(service).stream().map(LocalFleet::toFleet).toList();
  }

  @Override
  public void awaitConverged(String service, Duration timeout) throws InterruptedException {
    requireNonNull(service, "service");
    long deadline = System.nanoTime() + timeout.toNanos();
    String why;
    do {
      why = notConverged(service).orElse(null);
      if (why == null) {
        return;
      }
      Thread.sleep(POLL.toMillis());
    } while (System.nanoTime() < deadline);
    throw new IllegalStateException(
        service + " did not converge in " + timeout.toSeconds() + " s: " + why);
  }

  private Optional<String> notConverged(String service) {
    List<DesiredInstance> wanted =
        desired.read().map(s -> s.instancesOf(service)).orElse(List.of());
    Optional<RunState> observed = RunState.read(stateFile);
    if (observed.isEmpty()) {
      return Optional.of("the platform is not running (no " + stateFile + ")");
    }
    if (observed.get().liveSupervisor().isEmpty()) {
      return Optional.of("the platform's supervisor is not running (./squadron up)");
    }
    for (DesiredInstance d : wanted) {
      Optional<InstanceStatus> o = observed.get().instance(d.slot());
      if (o.isEmpty()) {
        return Optional.of(d.slot() + " not started yet");
      }
      InstanceStatus s = o.get();
      if (s.state() != InstanceState.RUNNING
          || !s.release().equals(d.release())
          || s.process().port() != d.port()) {
        return Optional.of(
            d.slot()
                + " is "
                + s.state()
                + " on "
                + s.release()
                + " (desired: RUNNING "
                + d.release()
                + ")");
      }
    }
    for (InstanceStatus s : observed.get().instancesOf(service)) {
      boolean isWanted = wanted.stream().anyMatch(d -> d.slot().equals(s.slot()));
      if (!isWanted && s.state() != InstanceState.STOPPED) {
        return Optional.of(
            s.slot() + " is still " + s.state() + " (removed from the desired state)");
      }
    }
    return Optional.empty();
  }

  private static InstanceSlot slotOf(String service, Instance i) {
    return new InstanceSlot(service, i.region(), i.group(), i.index());
  }

  private static DesiredInstance toDesired(String service, Instance i, DesiredState state) {
    InstanceSlot slot = slotOf(service, i);
    if (i.port() != 0 && i.adminPort() != 0) {
      return new DesiredInstance(slot, i.release(), i.port(), i.adminPort());
    }
    // Two probes for free ports may collide with a port the state holds: retry until it accepts.
    for (int attempt = 0; ; attempt++) {
      DesiredInstance added = DesiredInstance.onFreePorts(slot, i.release());
      try {
        state.with(added);
        return added;
      } catch (IllegalArgumentException samePort) {
        if (attempt > 20) {
          throw samePort;
        }
      }
    }
  }

  private static Instance toFleet(DesiredInstance d) {
    return new Instance(
        d.slot().region(),
        d.slot().group(),
        d.slot().index(),
        d.release(),
        d.port(),
        d.adminPort());
  }
}

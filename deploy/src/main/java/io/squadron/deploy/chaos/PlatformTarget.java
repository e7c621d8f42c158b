package io.squadron.deploy.chaos;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.deploy.local.DesiredInstance;
import io.squadron.deploy.local.DesiredState;
import io.squadron.deploy.local.InstanceState;
import io.squadron.deploy.local.InstanceStatus;
import io.squadron.deploy.local.LocalPlatform;
import io.squadron.infra.LocalServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Chaos on the local platform: its instances as its supervisor reports them, its stores. */
final class PlatformTarget implements ChaosTarget {
  private final LocalPlatform platform;

  PlatformTarget(LocalPlatform platform) {
    this.platform = requireNonNull(platform, "platform");
  }

  @Override
  public List<String> services() {
    return platform.services().stream().map(ServiceModule::name).toList();
  }

  @Override
  public Instance pickInstance(String service) {
    List<InstanceStatus> running =
        platform.runState().instancesOf(service).stream()
            .filter(i -> i.state() == InstanceState.RUNNING && i.process().pid() > 0)
            .toList();
    if (running.isEmpty()) {
      throw new IllegalStateException("no running instance of " + service);
    }
    // The last one: with two instances, the one callers did not reach first.
    InstanceStatus victim = running.get(running.size() - 1);
    return new Instance(service, victim.slot().location(), victim.process().pid());
  }

  @Override
  public Optional<Instance> awaitRestarted(Instance killed, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      for (InstanceStatus i : platform.runState().instancesOf(killed.service())) {
        if (i.slot().location().equals(killed.label())
            && i.state() == InstanceState.RUNNING
            && i.process().pid() > 0
            && i.process().pid() != killed.pid()) {
          return Optional.of(new Instance(killed.service(), killed.label(), i.process().pid()));
        }
      }
      Thread.sleep(200);
    }
    return Optional.empty();
  }

  @Override
  public List<LocalServer> stores() {
    return platform.storeServers();
  }

  @Override
  public Outage stopService(String service) throws InterruptedException {
    List<DesiredInstance> stopped =
        platform.desiredState().read().orElseThrow().instancesOf(service);
    platform
        .desiredState()
        .update(
            state -> {
              DesiredState without = state;
              for (DesiredInstance d : stopped) {
                without = without.without(d.slot());
              }
              return without;
            });
    platform.reconcileNow();
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end
        && platform.runState().instancesOf(service).stream()
            .anyMatch(
                i ->
                    i.state() != InstanceState.STOPPED
                        && i.process().pid() > 0
                        && ProcessHandle.of(i.process().pid())
                            .map(ProcessHandle::isAlive)
                            .orElse(false))) {
      Thread.sleep(200);
    }
    String where =
        String.join(
            ", ", stopped.stream().map(d -> d.slot().location() + " " + d.address()).toList());
    return new Outage() {
      @Override
      public String instances() {
        return where;
      }

      @Override
      public boolean restore(Duration timeout) throws InterruptedException {
        platform
            .desiredState()
            .update(
                state -> {
                  DesiredState with = state;
                  for (DesiredInstance d : stopped) {
                    with = with.with(d);
                  }
                  return with;
                });
        platform.reconcileNow();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
          List<InstanceStatus> now = platform.runState().instancesOf(service);
          if (now.size() >= stopped.size()
              && now.stream().allMatch(i -> i.state() == InstanceState.RUNNING)) {
            return true;
          }
          Thread.sleep(200);
        }
        return false;
      }
    };
  }
}

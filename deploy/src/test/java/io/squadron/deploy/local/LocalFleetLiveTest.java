package io.squadron.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.deploy.call.ServiceCall;
import io.squadron.deploy.prometheus.PrometheusClient;
import io.squadron.testkit.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local platform as a fleet, at its edge: {@link LocalPlatform} running only shuffle (a cheap,
 * stateless service) in two regions x two deployment groups, one real JVM per slot, supervised. The
 * tests run in order on one platform (each leaves it as the next expects): the slots and spread, a
 * SIGKILL and the supervisor's restart, a release replacing one instance, then locality (ELS
 * prefers the caller's region, spills over when that region's instances are stopped).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class LocalFleetLiveTest {
  private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  private static final String SERVICE = "shuffle";
  private static final List<String> GRPC = List.of("squadron.shuffle.v1.ShuffleService");
  private static final String REQUEST =
      "{\"tracks\": [{\"trackId\": \"t1\", \"artistId\": \"a\"}, {\"trackId\": \"t2\", \"artistId\": \"b\"}]}";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path state;
  private LocalPlatform platform;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    Path home = DEPLOY.getParent();
    assertThat(home.resolve("shuffle-service/target/classpath.txt"))
        .as("shuffle-service must be built first (mvn install)")
        .isRegularFile();
    platform =
        new LocalPlatform(
            new Workspace(home, state),
            System.out,
            Map.of(),
            new FleetShape(2, 1),
            Set.of(SERVICE));
    platform.start();
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void twoRegionsByTwoGroups_eachSlotItsOwnProcessAndPort_recordedForStatus_andCallsSpreadOverAll()
      throws Exception {
    RunState observed = RunState.read(platform.workspace().stateFile()).orElseThrow();
    assertThat(observed.instances())
        .extracting(i -> i.slot().location())
        .containsExactly("region-1/a#0", "region-1/b#0", "region-2/a#0", "region-2/b#0");
    assertThat(observed.instances())
        .allSatisfy(
            i -> {
              assertThat(i.state()).isEqualTo(InstanceState.RUNNING);
              assertThat(i.release()).isEqualTo(Releases.CURRENT);
              assertThat(i.restarts()).isZero();
              assertThat(Processes.find(i.process().pid(), i.process().startMillis())).isPresent();
            });
    assertThat(observed.services().stream().map(RunningService::port).distinct()).hasSize(4);
    assertThat(observed.services().stream().map(RunningService::pid).distinct()).hasSize(4);
    DesiredState desired = platform.desiredState().read().orElseThrow();
    assertThat(desired.instances())
        .allSatisfy(d -> assertThat(d.release()).isEqualTo(Releases.CURRENT));
    for (InstanceStatus i : observed.instances()) {
      assertThat(desired.instance(i.slot()).orElseThrow().port()).isEqualTo(i.process().port());
    }

    // Every slot is reachable through one client. ELS weighs the four by latency, and a freshly
    // started JVM's first call can be a hundred times slower than a warm one's: with the latency
    // exponent 3 that slot gets almost nothing until the one slow sample has decayed against the
    // prior, about decayTime * ln(ratio), 20-25 s at the 5 s default (seen: 1, 0, 598, 1 of 600
    // calls in 3 s). ELS then probes it again ("nothing starves forever"), so batches of 60 go
    // on until every slot has served one, for up to 60 s. Paced at 50 calls/s and resolved once:
    // the CLI identity has the default per-caller limit (100/s per method per instance), and ELS
    // may send nearly all of them to one instance.
    Map<InstanceSlot, Double> before = served();
    Map<InstanceSlot, Double> delta = Map.of();
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(60);
    try (ServiceCall call = regionBlindClient()) {
      Supplier<String> shuffle = call.prepare("Shuffle", REQUEST);
      do {
        for (int i = 0; i < 60; i++) {
          assertThat(shuffle.get()).contains("t1");
          Thread.sleep(20);
        }
        delta = minus(served(), before);
      } while (!delta.values().stream().allMatch(n -> n > 0) && System.nanoTime() < deadline);
    }
    System.out.printf(
        "calls served per slot after %.1f s: %s%n", (System.nanoTime() - started) / 1e9, delta);
    assertThat(delta.values()).as("calls served per slot: %s", delta).allMatch(n -> n > 0);

    // Prometheus's file_sd targets carry each instance's slot and release.
    if (platform.prometheusUrl().isPresent()) {
      PrometheusClient prometheus = new PrometheusClient(platform.prometheusUrl().get());
      Await.until(
          WAIT,
          "4 shuffle targets with region, group and release labels",
          () ->
              prometheus.activeTargets().stream()
                      .filter(t -> SERVICE.equals(t.labels().get("service")))
                      .filter(t -> t.labels().containsKey("region"))
                      .filter(t -> t.labels().containsKey("group"))
                      .filter(t -> Releases.CURRENT.equals(t.labels().get("release")))
                      .count()
                  == 4);
    }
  }

  @Test
  @Order(2)
  void killedInstance_isRestartedOnTheSamePort_withBackoff_whileCallsSucceedThroughTheOthers()
      throws Exception {
    InstanceSlot victim = new InstanceSlot(SERVICE, "region-1", "a", 0);
    RunningService before = platform.runState().instance(victim).orElseThrow().process();
    ProcessHandle.of(before.pid()).orElseThrow().destroyForcibly(); // SIGKILL

    int failed = 0;
    int calls = 0;
    try (ServiceCall call = regionBlindClient()) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline && !restarted(victim, before)) {
        calls++;
        try {
          call.call("Shuffle", REQUEST);
        } catch (io.grpc.StatusRuntimeException e) {
          failed++;
        }
        Thread.sleep(20); // pace the load, this is not a wait for the condition
      }
    }
    assertThat(restarted(victim, before)).as("restarted within %s", WAIT).isTrue();
    assertThat(failed)
        .as("calls failing while %s was down, of %d", victim, calls)
        .isLessThanOrEqualTo(2);
    assertThat(calls).isGreaterThan(10);

    InstanceStatus now =
        RunState.read(platform.workspace().stateFile())
            .orElseThrow()
            .instance(victim)
            .orElseThrow();
    assertThat(now.restarts()).isEqualTo(1);
    assertThat(now.lastExit()).contains(137);
    assertThat(now.process().port()).isEqualTo(before.port());
    assertThat(now.process().adminPort()).isEqualTo(before.adminPort());
    assertThat(now.process().pid()).isNotEqualTo(before.pid());
    assertThat(platform.runState().instances())
        .filteredOn(i -> !i.slot().equals(victim))
        .allSatisfy(i -> assertThat(i.restarts()).isZero());
  }

  @Test
  @Order(3)
  void changedRelease_inTheDesiredState_replacesThatOneInstance() throws Exception {
    InstanceSlot target = new InstanceSlot(SERVICE, "region-2", "b", 0);
    Releases releases = new Releases(platform.workspace());
    Path dir = releases.directory(SERVICE, "r2");
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve(Releases.CLASSPATH_FILE),
        ModuleClasspath.of(platform.workspace(), "shuffle-service"),
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve(Releases.CONFIG_FILE),
        "squadron.server.shutdown.grace-period = 4s\n",
        StandardCharsets.UTF_8);
    Map<InstanceSlot, Long> pidsBefore = pids();

    platform.desiredState().update(d -> d.withRelease(target, "r2"));
    Await.until(
        WAIT,
        target + " running release r2",
        () ->
            platform
                .runState()
                .instance(target)
                .filter(i -> i.release().equals("r2"))
                .filter(i -> i.state() == InstanceState.RUNNING)
                .isPresent());

    Map<InstanceSlot, Long> pidsAfter = pids();
    assertThat(pidsAfter.get(target)).isNotEqualTo(pidsBefore.get(target));
    pidsBefore.remove(target);
    pidsAfter.remove(target);
    assertThat(pidsAfter).as("the other instances are untouched").isEqualTo(pidsBefore);
    assertThat(Files.readString(platform.workspace().configFile(target.fileName())))
        .contains("# release r2")
        .contains("grace-period = 4s");
    try (ServiceCall call = regionBlindClient()) {
      assertThat(call.call("Shuffle", REQUEST)).contains("t2");
    }
  }

  @Test
  @Order(4)
  void elsPrefersTheCallersRegion_andSpillsOverWhenItsInstancesAreStopped() throws Exception {
    try (ServiceCall call = clientIn("region-1")) {
      Map<InstanceSlot, Double> before = served();
      for (int i = 0; i < 80; i++) {
        call.call("Shuffle", REQUEST);
      }
      Map<InstanceSlot, Double> delta = minus(served(), before);
      assertThat(inRegion(delta, "region-1") / 80)
          .as("share served in region-1: %s", delta)
          .isGreaterThan(0.85);

      platform
          .desiredState()
          .update(
              d ->
                  d.without(new InstanceSlot(SERVICE, "region-1", "a", 0))
                      .without(new InstanceSlot(SERVICE, "region-1", "b", 0)));
      Await.until(
          WAIT,
          "region-1's instances stopped",
          () ->
              platform.runState().instances().stream()
                  .allMatch(i -> i.slot().region().equals("region-2")));

      // The same client: its endpoint list still names region-1's (now closed) ports.
      Map<InstanceSlot, Double> before2 = served();
      int failed = 0;
      for (int i = 0; i < 40; i++) {
        try {
          call.call("Shuffle", REQUEST);
        } catch (io.grpc.StatusRuntimeException e) {
          failed++;
        }
      }
      assertThat(failed).as("calls failing just after region-1 went away").isLessThanOrEqualTo(2);
      assertThat(inRegion(minus(served(), before2), "region-2"))
          .as("calls spilled over to region-2")
          .isEqualTo(40.0 - failed);
    }
  }

  private boolean restarted(InstanceSlot slot, RunningService before) {
    return platform
        .runState()
        .instance(slot)
        .filter(i -> i.state() == InstanceState.RUNNING && i.process().pid() != before.pid())
        .isPresent();
  }

  private ServiceCall regionBlindClient() {
    return ServiceCall.withClientConfig(
        SERVICE, GRPC, platform.clientConfig(SERVICE, Optional.empty()), Duration.ofSeconds(20));
  }

  private ServiceCall clientIn(String region) {
    return ServiceCall.withClientConfig(
        SERVICE, GRPC, platform.clientConfig(SERVICE, Optional.of(region)), Duration.ofSeconds(20));
  }

  private Map<InstanceSlot, Long> pids() {
    Map<InstanceSlot, Long> pids = new LinkedHashMap<>();
    platform.runState().instances().forEach(i -> pids.put(i.slot(), i.process().pid()));
    return pids;
  }

  /** Calls each running instance served to the operator identity, from its own metrics. */
  private Map<InstanceSlot, Double> served() throws IOException, InterruptedException {
    Map<InstanceSlot, Double> served = new LinkedHashMap<>();
    for (InstanceStatus i : platform.runState().instances()) {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create(i.process().metricsUrl())).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      served.put(
          i.slot(),
          body.lines()
              .filter(l -> l.startsWith("squadron_rpc_server_duration_seconds_count"))
              .filter(l -> l.contains("caller=\"" + LocalPlatform.OPERATOR_IDENTITY + "\""))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
              .sum());
    }
    return served;
  }

  private static Map<InstanceSlot, Double> minus(
      Map<InstanceSlot, Double> after, Map<InstanceSlot, Double> before) {
    Map<InstanceSlot, Double> delta = new LinkedHashMap<>();
    after.forEach((slot, n) -> delta.put(slot, n - before.getOrDefault(slot, 0.0)));
    return delta;
  }

  private static double inRegion(Map<InstanceSlot, Double> served, String region) {
    return served.entrySet().stream()
        .filter(e -> e.getKey().region().equals(region))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }
}

package io.squadron.deploy.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.deploy.call.ServiceCall;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.deploy.local.FleetShape;
import io.squadron.deploy.local.LocalPlatform;
import io.squadron.deploy.local.Workspace;
import io.squadron.deploy.prometheus.PrometheusClient;
import io.squadron.deploy.release.ReleaseStore;
import io.squadron.deploy.rollout.analysis.AnalysisSettings;
import io.squadron.testkit.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code squadron rollout} at the edge: a real local platform (shuffle, one region, one instance -
 * every canary adds two JVMs, so the test stays small; the plan's order over regions and groups is
 * {@code RolloutPlanTest}'s), its Prometheus, {@code up}'s supervisor reconciling the desired
 * state, real releases made with {@link ReleaseStore}, bad ones through rpc-core's fault injection,
 * the rollout's own bounded traffic, and the canary analysis on short intervals (2 s warm-up, 3 s
 * intervals, Prometheus scraping every 2 s). Each test starts from whatever release the last one
 * left (a good release goes global and stays).
 */
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class RolloutEdgeTest {
  private static final String SERVICE = "shuffle";
  private static final String METHOD = "squadron.shuffle.v1.ShuffleService/Shuffle";
  private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path state;

  private static LocalPlatform platform;
  private static Workspace workspace;
  private static ServiceModule shuffle;

  @BeforeAll
  static void platform() throws Exception {
    workspace = new Workspace(DEPLOY.getParent(), state);
    shuffle = ServiceCatalog.discover(workspace.home()).find(SERVICE).orElseThrow();
    platform =
        new LocalPlatform(
            workspace, System.out, System.getenv(), new FleetShape(1, 1), Set.of(SERVICE));
    platform.start();
    ReleaseStore releases = new ReleaseStore(workspace, Clock.systemUTC());
    releases.create(SERVICE, shuffle.moduleDir(), "2.0", Optional.empty());
    releases.create(SERVICE, shuffle.moduleDir(), "2.0-quiet", Optional.empty());
    releases.create(
        SERVICE, shuffle.moduleDir(), "2.1-slow", Optional.of(overlay("added-latency = 50%")));
    releases.create(
        SERVICE, shuffle.moduleDir(), "2.1-failing", Optional.of(overlay("error-rate = 0.02")));
  }

  private static List<Fleet.Instance> now() {
    return LocalFleet.of(workspace).instances(SERVICE);
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  private static Path overlay(String fault) throws Exception {
    Path file = state.resolve("fault-" + fault.hashCode() + ".conf");
    Files.writeString(
        file, "squadron.fault-injection { method = \"" + METHOD + "\", " + fault + " }\n");
    return file;
  }

  private static String playlist() {
    return IntStream.range(0, 200)
        .mapToObj(i -> "{\"trackId\":\"t" + i + "\",\"artistId\":\"a" + (i % 20) + "\"}")
        .collect(Collectors.joining(",", "{\"tracks\":[", "]}"));
  }

  private static final class Run {
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final Rollout rollout;

    Run(AnalysisSettings analysis, double callsPerSecond) throws Exception {
      rollout =
          new Rollout(
              workspace.stateDir().resolve("rollouts"),
              LocalFleet.of(workspace),
              new PrometheusClient(platform.prometheusUrl().orElseThrow()),
              new RolloutSettings(
                  analysis,
                  Duration.ofSeconds(3),
                  Duration.ofSeconds(2),
                  Duration.ofSeconds(2),
                  Duration.ofMinutes(2)),
              Optional.of(
                  new ServiceCallTraffic(
                      SERVICE,
                      shuffle.descriptor().grpcServices(),
                      workspace.certDir(),
                      LocalPlatform.OPERATOR_IDENTITY,
                      List.of(new ServiceCallTraffic.Call(METHOD, playlist())),
                      callsPerSecond,
                      new SplittableRandom(1))),
              Clock.systemUTC(),
              d -> Thread.sleep(d.toMillis()),
              new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    String printed() {
      return printed.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * Calls to the service's own instances throughout (the platform's traffic, which no canary sees).
   */
  private static CanaryTraffic background(List<Fleet.Instance> stable, List<ServiceCall> opened) {
    List<CanaryTraffic.Target> targets = new ArrayList<>();
    for (Fleet.Instance i : stable) {
      ServiceCall call =
          ServiceCall.asIdentity(
              SERVICE,
              shuffle.descriptor().grpcServices(),
              i.address(),
              workspace.certDir(),
              LocalPlatform.OPERATOR_IDENTITY,
              Duration.ofSeconds(10));
      opened.add(call);
      List<Supplier<?>> calls = List.of(call.prepare(METHOD, playlist()));
      targets.add(new CanaryTraffic.Target(i.location(), calls));
    }
    return CanaryTraffic.start(targets, 5, new SplittableRandom(2));
  }

  private static void assertBackWhereItWas(RolloutState end, List<Fleet.Instance> before, Run run) {
    assertThat(end.phase()).as(run.printed()).isEqualTo(RolloutState.Phase.ROLLED_BACK);
    assertThat(end.stepsDone()).as("stopped at the canary").isZero();
    assertThat(now()).containsExactlyElementsOf(before);
  }

  /**
   * Starts a rollout of {@code release} and interrupts it (the operator's Ctrl-C) once its canary
   * and baseline slots are added to {@code stable}'s; the rollout it leaves active.
   */
  private static RolloutState interruptedAtTheCanary(String release, List<Fleet.Instance> stable)
      throws Exception {
    Run run = new Run(AnalysisSettings.DEFAULTS, 40);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread first =
        new Thread(
            () -> {
              try {
                run.rollout.start(SERVICE, release);
              } catch (InterruptedException expected) {
                // the operator's Ctrl-C
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    first.start();
    Await.until(
        Duration.ofSeconds(90),
        "the canary and baseline slots added",
        () -> now().size() == stable.size() + 2);
    first.interrupt();
    first.join(30_000);
    assertThat(failure.get()).isNull();
    return Rollout.active(workspace.stateDir().resolve("rollouts"), Optional.of(SERVICE))
        .orElseThrow();
  }

  @Test
  void slowRelease_stopsAtTheCanary_andIsRolledBack() throws Exception {
    List<Fleet.Instance> before = now();
    Run run = new Run(AnalysisSettings.DEFAULTS, 40);
    RolloutState end = run.rollout.start(SERVICE, "2.1-slow");
    assertBackWhereItWas(end, before, run);
    assertThat(end.note()).as(run.printed()).contains("canary analysis");
    // The analysis saw the canary slower, significantly, and never passed its latency: it failed
    // the metric, or (on a machine so loaded that queueing dwarfs the +50%, P(slower) ~0.58 < the
    // 0.6 minimum effect) it could not bound it and failed safe. Either way it stopped here.
    assertThat(run.printed()).doesNotContainPattern("latency Shuffle .* PASS ");
    java.util.regex.Matcher line =
        java.util.regex.Pattern.compile("latency Shuffle\\s+\\d+\\s+\\d+\\s+(\\S+)\\s+(\\S+)")
            .matcher(run.printed());
    boolean significant = false;
    while (line.find()) {
      if (!line.group(1).equals("-")
          && Double.parseDouble(line.group(1)) < 0.01
          && Double.parseDouble(line.group(2)) > 0.55) {
        significant = true;
      }
    }
    assertThat(significant).as("a significantly slower canary\n" + run.printed()).isTrue();
    assertThat(run.rollout.directory(end.id()).resolve("step-1-canary.txt"))
        .content()
        .contains("p-value")
        .contains("ROLLED BACK");
  }

  @Test
  void failingRelease_stopsAtTheCanary_withFailedCallsBoundedByTheCanarysShare() throws Exception {
    List<Fleet.Instance> stable = now();
    List<ServiceCall> opened = new ArrayList<>();
    Run run = new Run(AnalysisSettings.DEFAULTS, 40);
    RolloutState end;
    CanaryTraffic.Counts[] platformCalls;
    try (CanaryTraffic platformTraffic = background(stable, opened)) {
      end = run.rollout.start(SERVICE, "2.1-failing");
      platformTraffic.close();
      platformCalls =
          stable.stream()
              .map(i -> platformTraffic.counts(i.location()))
              .toArray(CanaryTraffic.Counts[]::new);
    } finally {
      opened.forEach(ServiceCall::close);
    }
    assertBackWhereItWas(end, stable, run);
    assertThat(end.note()).as(run.printed()).contains("canary analysis");
    assertThat(run.printed())
        .as("the error metric failed, never passed")
        .containsPattern("errors Shuffle .* FAIL ")
        .doesNotContainPattern("errors Shuffle .* PASS ");
    // Only the canary failed calls: the instances serving the platform never saw the release.
    long platformFailed = 0;
    long platformTotal = 0;
    for (CanaryTraffic.Counts c : platformCalls) {
      platformFailed += c.failed();
      platformTotal += c.total();
    }
    assertThat(platformTotal).isPositive();
    assertThat(platformFailed).isZero();
    CanaryTraffic.Counts canary = run.rollout.canaryCalls();
    CanaryTraffic.Counts baseline = run.rollout.baselineCalls();
    assertThat(canary.failed()).isPositive();
    assertThat(baseline.failed()).isZero();
    long allCalls = platformTotal + canary.total() + baseline.total();
    double canaryShare = (double) canary.total() / allCalls;
    // Failed calls are at most the canary's share of all calls (here ~2% of it).
    assertThat((double) (platformFailed + canary.failed() + baseline.failed()) / allCalls)
        .isLessThanOrEqualTo(canaryShare);
  }

  @Test
  void tooLittleTraffic_waits_thenFailsSafe() throws Exception {
    AnalysisSettings patient = new AnalysisSettings(50, 200, 0.01, 0.6, 0.005, 1.0, 0.9, 2, 3, 4);
    List<Fleet.Instance> before = now();
    Run run = new Run(patient, 1);
    RolloutState end = run.rollout.start(SERVICE, "2.0-quiet");
    assertBackWhereItWas(end, before, run);
    assertThat(end.note()).contains("not passed after 4 intervals").contains("fail safe");
    assertThat(run.printed()).contains("INCONCLUSIVE").contains("fewer than");
  }

  @Test
  void goodRelease_interruptedAtTheCanary_resumes_andGoesGlobal() throws Exception {
    List<Fleet.Instance> stable = now();
    Path rollouts = workspace.stateDir().resolve("rollouts");
    RolloutState interrupted = interruptedAtTheCanary("2.0", stable);
    assertThat(interrupted.phase()).isEqualTo(RolloutState.Phase.RUNNING);
    assertThat(interrupted.extra()).hasSize(2);

    Run resumed = new Run(AnalysisSettings.DEFAULTS, 40);
    RolloutState end = resumed.rollout.resume(interrupted);
    assertThat(end.phase()).as(resumed.printed()).isEqualTo(RolloutState.Phase.COMPLETED);
    assertThat(end.stepsDone()).isEqualTo(2);
    assertThat(end.plan().steps())
        .extracting(s -> s.region() + "/" + s.group() + " " + s.scope())
        .containsExactly("local/a CANARY", "local/a GROUP");
    assertThat(now())
        .hasSize(stable.size())
        .allMatch(i -> i.release().equals("2.0"))
        .allMatch(i -> stable.stream().anyMatch(s -> s.sameSlot(i) && s.port() == i.port()));
    assertThat(Rollout.active(rollouts, Optional.of(SERVICE))).isEmpty();
    assertThat(resumed.printed()).contains("canary PROMOTED");
    assertThat(resumed.rollout.directory(end.id()).resolve("step-2-group.txt"))
        .content()
        .contains("passed");
  }

  @Test
  void interruptedRollout_rolledBack_restoresTheDesiredState() throws Exception {
    List<Fleet.Instance> stable = now();
    Path rollouts = workspace.stateDir().resolve("rollouts");
    RolloutState interrupted = interruptedAtTheCanary("2.1-slow", stable);
    Run second = new Run(AnalysisSettings.DEFAULTS, 40);
    RolloutState end = second.rollout.rollback(interrupted, "operator");
    assertThat(end.phase()).isEqualTo(RolloutState.Phase.ROLLED_BACK);
    assertThat(now()).containsExactlyElementsOf(stable);
    assertThat(Rollout.active(rollouts, Optional.of(SERVICE))).isEmpty();
    assertThat(
            Map.of(
                "phase",
                RolloutState.read(second.rollout.directory(end.id())).orElseThrow().phase()))
        .containsEntry("phase", RolloutState.Phase.ROLLED_BACK);
  }
}

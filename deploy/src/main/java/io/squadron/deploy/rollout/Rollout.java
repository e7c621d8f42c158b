package io.squadron.deploy.rollout;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.prometheus.PrometheusClient;
import io.squadron.deploy.rollout.analysis.CanaryAnalysis;
import io.squadron.deploy.rollout.analysis.CanaryMetrics;
import io.squadron.deploy.rollout.analysis.ErrorComparison;
import io.squadron.deploy.rollout.analysis.MetricResult;
import io.squadron.deploy.rollout.analysis.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs a rollout plan over a {@link Fleet}: the canary step adds a canary on the new release and a
 * baseline on the old one at the same time (two slots of the first group in the first region),
 * drives traffic to both when given a {@link TrafficSource}, and runs the canary analysis until it
 * promotes or rolls back; then each step moves one group of one region to the new release, waits
 * until it runs, and watches it for a health check. Any failure rolls every instance back to the
 * release it ran before. The state ({@link RolloutState}) is written before each change, so an
 * interrupted rollout (a killed process, an interrupt) leaves a record that {@link #resume} or
 * {@link #rollback} finishes; nothing is undone on interrupt, as nothing would be on a kill.
 */
public final class Rollout {
  /** Traffic the rollout drives to its canary and baseline. */
  @FunctionalInterface
  public interface TrafficSource {
    /** Starts equal traffic to {@code canary} and {@code baseline} (targets named so). */
    CanaryTraffic start(Fleet.Instance canary, Fleet.Instance baseline);
  }

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Path rolloutsDir;
  private final Fleet fleet;
  private final PrometheusClient prometheus;
  private final RolloutSettings settings;
  private final Optional<TrafficSource> traffic;
  private final Clock clock;
  private final CanaryAnalysis.Sleeper sleeper;
  private final PrintStream out;
  private volatile CanaryTraffic.Counts canaryCalls = new CanaryTraffic.Counts(0, 0);
  private volatile CanaryTraffic.Counts baselineCalls = new CanaryTraffic.Counts(0, 0);

  /**
   * A rollout runner keeping its states and reports under {@code rolloutsDir} ({@code
   * .squadron/rollouts}).
   */
  public Rollout(
      Path rolloutsDir,
      Fleet fleet,
      PrometheusClient prometheus,
      RolloutSettings settings,
      Optional<TrafficSource> traffic,
      Clock clock,
      CanaryAnalysis.Sleeper sleeper,
      PrintStream out) {
    this.rolloutsDir = requireNonNull(rolloutsDir, "rolloutsDir");
    this.fleet = requireNonNull(fleet, "fleet");
    this.prometheus = requireNonNull(prometheus, "prometheus");
    this.settings = requireNonNull(settings, "settings");
    this.traffic = requireNonNull(traffic, "traffic");
    this.clock = requireNonNull(clock, "clock");
    this.sleeper = requireNonNull(sleeper, "sleeper");
    this.out = requireNonNull(out, "out");
  }

  /**
   * The plan of {@code service} to {@code release} over its instances: regions and groups in the
   * order the fleet lists them.
   */
  public RolloutPlan plan(String service, String release) {
    return planOf(service, release, fleet.instances(service));
  }

  /** The plan of {@code service} to {@code release} over {@code instances}' regions and groups. */
  public static RolloutPlan planOf(String service, String release, List<Fleet.Instance> instances) {
    Set<String> regions = new LinkedHashSet<>();
    Set<String> groups = new LinkedHashSet<>();
    instances.forEach(
        i -> {
          regions.add(i.region());
          groups.add(i.group());
        });
    return RolloutPlan.of(service, release, List.copyOf(regions), List.copyOf(groups));
  }

  /**
   * Starts and runs a rollout of {@code service} to {@code release}.
   *
   * @throws IllegalStateException when another rollout of the service is unfinished, or its
   *     instances do not all run one release (an unfinished change), or it runs {@code release}
   */
  public RolloutState start(String service, String release) throws InterruptedException {
    active(rolloutsDir, Optional.of(service))
        .ifPresent(
            s -> {
              throw new IllegalStateException(
                  "rollout "
                      + s.id()
                      + " of "
                      + service
                      + " is unfinished ("
                      + s.phase()
                      + "): finish it with ./squadron rollout --resume or --rollback");
            });
    List<Fleet.Instance> instances = fleet.instances(service);
    Set<String> releases = new LinkedHashSet<>();
    instances.forEach(i -> releases.add(i.release()));
    if (releases.size() != 1) {
      throw new IllegalStateException(
          service
              + " runs "
              + (releases.isEmpty() ? "no instance" : "releases " + releases)
              + " (expected: every instance on one release before a rollout)");
    }
    String from = releases.iterator().next();
    if (from.equals(release)) {
      throw new IllegalStateException(service + " already runs " + release + " everywhere");
    }
    RolloutPlan plan = plan(service, release);
    Instant now = clock.instant();
    RolloutState state =
        new RolloutState(
            service + "-" + release + "-" + ID_TIME.format(now),
            plan,
            from,
            instances,
            0,
            RolloutState.Phase.RUNNING,
            List.of(),
            now,
            "started");
    save(state);
    out.printf("rollout %s: %s from %s to %s%n", state.id(), service, from, release);
    out.print(plan.describe());
    return run(state);
  }

  /** Finishes an interrupted rollout: takes its remaining steps, or finishes its rollback. */
  public RolloutState resume(RolloutState state) throws InterruptedException {
    requireNonNull(state, "state");
    out.printf(
        "resuming rollout %s (%s, %d of %d steps done)%n",
        state.id(), state.phase(), state.stepsDone(), state.plan().steps().size());
    if (state.phase() == RolloutState.Phase.ROLLING_BACK) {
      return rollback(state, state.note());
    }
    if (state.phase().finished()) {
      return state;
    }
    if (!state.extra().isEmpty()) {
      // Interrupted during the canary step: its analysis is lost, so the canary starts afresh.
      removeExtra(state);
      state = state.withExtra(List.of());
      save(state);
    }
    return run(state);
  }

  /** Rolls {@code state}'s service back to the release it ran before, with {@code reason}. */
  public RolloutState rollback(RolloutState state, String reason) throws InterruptedException {
    requireNonNull(state, "state");
    state = state.with(RolloutState.Phase.ROLLING_BACK, reason);
    save(state);
    out.printf("rolling %s back to %s: %s%n", state.service(), state.from(), reason);
    List<Fleet.Instance> original = state.original();
    fleet.update(
        state.service(),
        current -> {
          List<Fleet.Instance> restored = new ArrayList<>();
          for (Fleet.Instance o : original) {
            // The slot's ports as they are now (the same, unless someone moved them).
            Fleet.Instance now = current.stream().filter(o::sameSlot).findFirst().orElse(o);
            restored.add(now.withRelease(o.release()));
          }
          return restored;
        });
    fleet.awaitConverged(state.service(), settings.convergeTimeout());
    state = state.withExtra(List.of()).with(RolloutState.Phase.ROLLED_BACK, reason);
    save(state);
    out.printf("rolled back: every instance of %s runs %s%n", state.service(), state.from());
    return state;
  }

  private RolloutState run(RolloutState state) throws InterruptedException {
    List<RolloutPlan.Step> steps = state.plan().steps();
    for (int k = state.stepsDone(); k < steps.size(); k++) {
      RolloutPlan.Step step = steps.get(k);
      out.println("step " + step.describe());
      Optional<String> failure;
      try {
        failure =
            step.scope() == RolloutPlan.Scope.CANARY ? canary(state, step) : group(state, step);
      } catch (IllegalStateException | UncheckedIOException e) {
        failure = Optional.of("step " + step.number() + " failed: " + e.getMessage());
      }
      if (failure.isPresent()) {
        return rollback(read(state.id()).orElse(state), failure.get());
      }
      state = read(state.id()).orElse(state).withExtra(List.of()).withStepsDone(k + 1);
      save(state);
    }
    state = state.with(RolloutState.Phase.COMPLETED, "every step passed");
    save(state);
    out.printf(
        "rollout %s completed: %s runs %s everywhere%n", state.id(), state.service(), state.to());
    return state;
  }

  private Optional<String> canary(RolloutState state, RolloutPlan.Step step)
      throws InterruptedException {
    int next =
        fleet.instances(state.service()).stream()
                .filter(i -> i.region().equals(step.region()) && i.group().equals(step.group()))
                .mapToInt(Fleet.Instance::index)
                .max()
                .orElse(-1)
            + 1;
    Fleet.Instance canarySlot = Fleet.Instance.added(step.region(), step.group(), next, state.to());
    Fleet.Instance baselineSlot =
        Fleet.Instance.added(step.region(), step.group(), next + 1, state.from());
    // Recorded before they exist: a rollback after a crash must know to remove them.
    save(state.withExtra(List.of(canarySlot, baselineSlot)));
    List<Fleet.Instance> written =
        fleet.update(
            state.service(),
            current -> {
              List<Fleet.Instance> all = new ArrayList<>(current);
              all.add(canarySlot);
              all.add(baselineSlot);
              return all;
            });
    Fleet.Instance canary = written.stream().filter(canarySlot::sameSlot).findFirst().orElseThrow();
    Fleet.Instance baseline =
        written.stream().filter(baselineSlot::sameSlot).findFirst().orElseThrow();
    save(state.withExtra(List.of(canary, baseline)));
    fleet.awaitConverged(state.service(), settings.convergeTimeout());
    out.printf(
        "  canary %s on %s (%s), baseline %s on %s (%s), started together%n",
        canary.location(),
        canary.release(),
        canary.address(),
        baseline.location(),
        baseline.release(),
        baseline.address());
    CanaryMetrics metrics =
        new CanaryMetrics(
            prometheus,
            state.service(),
            Set.of(canary.adminAddress()),
            Set.of(baseline.adminAddress()),
            settings.analysis());
    Path report = reportFile(state, step);
    CanaryAnalysis.Outcome outcome;
    CanaryTraffic driven = traffic.map(t -> t.start(canary, baseline)).orElse(null);
    try {
      outcome =
          new CanaryAnalysis(
                  metrics::compareBetween,
                  settings.analysis(),
                  settings.interval(),
                  settings.warmup(),
                  clock,
                  sleeper)
              .run(text -> report(report, text));
    } finally {
      if (driven != null) {
        driven.close();
        canaryCalls = driven.counts("canary");
        baselineCalls = driven.counts("baseline");
        report(
            report,
            String.format(
                Locale.ROOT,
                "traffic driven by the rollout: canary %d calls (%d failed), baseline %d (%d failed)%n",
                canaryCalls.total(),
                canaryCalls.failed(),
                baselineCalls.total(),
                baselineCalls.failed()));
      }
    }
    report(
        report,
        String.format(
            Locale.ROOT,
            "canary %s after %.1f s: %s%n",
            outcome.promoted() ? "PROMOTED" : "ROLLED BACK",
            outcome.elapsed().toMillis() / 1000.0,
            outcome.decision().reason()));
    if (!outcome.promoted()) {
      return Optional.of("canary analysis: " + outcome.decision().reason());
    }
    removeExtra(state);
    return Optional.empty();
  }

  private void removeExtra(RolloutState state) throws InterruptedException {
    List<Fleet.Instance> extra = read(state.id()).orElse(state).extra();
    if (extra.isEmpty()) {
      return;
    }
    fleet.update(
        state.service(),
        current -> current.stream().filter(i -> extra.stream().noneMatch(i::sameSlot)).toList());
    fleet.awaitConverged(state.service(), settings.convergeTimeout());
  }

  private Optional<String> group(RolloutState state, RolloutPlan.Step step)
      throws InterruptedException {
    Instant changed = clock.instant();
    List<Fleet.Instance> written =
        fleet.update(
            state.service(),
            current ->
                current.stream()
                    .map(
                        i ->
                            i.region().equals(step.region()) && i.group().equals(step.group())
                                ? i.withRelease(state.to())
                                : i)
                    .toList());
    List<Fleet.Instance> moved =
        written.stream()
            .filter(i -> i.region().equals(step.region()) && i.group().equals(step.group()))
            .toList();
    fleet.awaitConverged(state.service(), settings.convergeTimeout());
    if (!settings.healthCheck().isZero()) {
      sleeper.sleep(settings.healthCheck());
    }
    // Still converged after the health check: no instance of the step crashed or went unready.
    fleet.awaitConverged(state.service(), settings.convergeTimeout());
    List<Fleet.Instance> others =
        written.stream().filter(i -> moved.stream().noneMatch(i::sameSlot)).toList();
    Path report = reportFile(state, step);
    StringBuilder text =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%d instance(s) of group %s in %s on %s, ready; health check %d s%n",
                moved.size(),
                step.group(),
                step.region(),
                state.to(),
                settings.healthCheck().toSeconds()));
    Optional<String> failure = Optional.empty();
    if (!others.isEmpty() && !moved.isEmpty()) {
      MetricResult errors = stepErrors(state.service(), moved, others, changed);
      text.append(
          String.format(
              Locale.ROOT,
              "  %-36s %8d %8d %10s %8s  %-12s %s%n",
              errors.metric(),
              errors.canarySamples(),
              errors.baselineSamples(),
              Double.isNaN(errors.pValue())
                  ? "-"
                  : String.format(Locale.ROOT, "%.2e", errors.pValue()),
              Double.isNaN(errors.effectSize())
                  ? "-"
                  : String.format(Locale.ROOT, "%.3f", errors.effectSize()),
              errors.verdict(),
              errors.detail()));
      if (errors.verdict() == Verdict.FAIL) {
        failure = Optional.of("health check of step " + step.number() + ": " + errors.detail());
      }
    }
    text.append(failure.map(f -> "FAILED: " + f).orElse("passed")).append('\n');
    report(report, text.toString());
    return failure;
  }

  /**
   * The step's instances' server errors since they were replaced against the rest's over the same
   * time (every service instance's calls, all methods): the canary step was the statistical gate on
   * latency; a later step is watched for breaking where the canary could not see (another region's
   * stores, more load).
   */
  private MetricResult stepErrors(
      String service, List<Fleet.Instance> moved, List<Fleet.Instance> others, Instant since) {
    long seconds = Math.max(1, Duration.between(since, clock.instant()).toSeconds());
    String range = "[" + seconds + "s]";
    long[] movedCounts = errorCounts(service, moved, range);
    long[] otherCounts = errorCounts(service, others, range);
    return ErrorComparison.compare(
        "errors (all methods)",
        movedCounts[0],
        Math.min(movedCounts[1], movedCounts[0]),
        otherCounts[0],
        Math.min(otherCounts[1], otherCounts[0]),
        settings.analysis());
  }

  private long[] errorCounts(String service, List<Fleet.Instance> instances, String range) {
    String regex =
        String.join(
            "|", instances.stream().map(i -> i.adminAddress().replace(".", "\\\\.")).toList());
    String selector =
        "squadron_rpc_server_duration_seconds_count{service=\""
            + service
            + "\",instance=~\""
            + regex
            + "\"";
    return new long[] {
      sum("sum(increase(" + selector + "}" + range + "))"),
      sum(
          "sum(increase("
              + selector
              + ",status=~\""
              + CanaryMetrics.SERVER_ERRORS
              + "\"}"
              + range
              + "))")
    };
  }

  private long sum(String promql) {
    return prometheus.query(promql, clock.instant()).stream()
        .mapToLong(s -> Double.isNaN(s.value()) ? 0 : Math.round(s.value()))
        .sum();
  }

  /** Calls the rollout's own traffic made to the last canary: how many failed. */
  public CanaryTraffic.Counts canaryCalls() {
    return canaryCalls;
  }

  /** Calls the rollout's own traffic made to the last baseline. */
  public CanaryTraffic.Counts baselineCalls() {
    return baselineCalls;
  }

  /** The directory of rollout {@code id}. */
  public Path directory(String id) {
    return rolloutsDir.resolve(id);
  }

  private Optional<RolloutState> read(String id) {
    return RolloutState.read(directory(id));
  }

  private void save(RolloutState state) {
    state.write(directory(state.id()));
  }

  private Path reportFile(RolloutState state, RolloutPlan.Step step) {
    return directory(state.id())
        .resolve(
            "step-" + step.number() + "-" + step.scope().name().toLowerCase(Locale.ROOT) + ".txt");
  }

  private void report(Path file, String text) {
    out.print(text.indent(2));
    try {
      Files.writeString(
          file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report " + file, e);
    }
  }

  /**
   * The unfinished rollout (running or rolling back) under {@code rolloutsDir}, of {@code service}
   * when given; the newest when several.
   */
  public static Optional<RolloutState> active(Path rolloutsDir, Optional<String> service) {
    if (!Files.isDirectory(rolloutsDir)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(rolloutsDir)) {
      return dirs.map(RolloutState::read)
          .flatMap(Optional::stream)
          .filter(s -> !s.phase().finished())
          .filter(s -> service.map(s.service()::equals).orElse(true))
          .max(Comparator.comparing(RolloutState::started));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + rolloutsDir, e);
    }
  }
}

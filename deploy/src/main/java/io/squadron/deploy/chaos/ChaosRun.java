package io.squadron.deploy.chaos;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.local.ModuleClasspath;
import io.squadron.deploy.local.Workspace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One chaos run: the registered journey's process drives {@code journeys} concurrent journeys
 * against the platform in {@code runDir} for at least {@code duration}, while the faults of the
 * plan are injected in turn. Each fault waits for the recovery it expects before the next. The
 * journeys' own output passes through; the run ends when the journey process does (bounded).
 */
public final class ChaosRun {
  /** How long the journeys may take to finish after the duration (and their audit). */
  static final Duration DRAIN = Duration.ofMinutes(5);

  /** How long the first journey may take (cold JVMs on a busy machine). */
  static final Duration WARM_UP_TIMEOUT = Duration.ofMinutes(3);

  /** The pause between one fault's recovery and the next fault. */
  static final Duration GAP = Duration.ofSeconds(3);

  /** A bound on the time all faults and recoveries may take. */
  static final Duration MAX_FAULT_TIME = Duration.ofMinutes(20);

  private final Workspace workspace;
  private final JourneyRegistry.Entry journey;
  private final int journeys;
  private final Duration duration;

  /**
   * @param journeys concurrent journeys
   * @param duration how long journeys start
   */
  public ChaosRun(
      Workspace workspace, JourneyRegistry.Entry journey, int journeys, Duration duration) {
    this.workspace = requireNonNull(workspace, "workspace");
    this.journey = requireNonNull(journey, "journey");
    if (journeys < 1) {
      throw new IllegalArgumentException("journeys: " + journeys + " (expected: >= 1)");
    }
    this.journeys = journeys;
    this.duration = requireNonNull(duration, "duration");
    if (duration.toSeconds() < 10) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: >= 10 s)");
    }
  }

  /**
   * The outcome.
   *
   * @param summary the journey process's last line's {@code key=value} pairs (empty when it printed
   *     none)
   * @param faults what was injected, and whether the platform recovered from each
   * @param journeyExit the journey process's exit status
   * @param log what chaos did when
   */
  public record Report(
      Map<String, String> summary, Map<String, Boolean> faults, int journeyExit, List<String> log) {
    /** The summary's value of {@code key} as a number, -1 when missing. */
    public long count(String key) {
      try {
        return Long.parseLong(summary.getOrDefault(key, "-1"));
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    /** Whether every fault was followed by the recovery it expects. */
    public boolean recovered() {
      return !faults.isEmpty() && faults.values().stream().allMatch(ok -> ok);
    }
  }

  /**
   * Runs the journeys against {@code runDir}'s platform while injecting {@code plan}: the faults
   * start once the first journey ended (every JVM warm, every path taken once), follow one another
   * {@link #GAP} after each recovery, and journeys keep starting until both {@code duration} has
   * passed and every fault is over; then the journeys under way finish and the driver audits.
   */
  public Report run(ChaosTarget target, List<Fault> plan, Path runDir, EventLog log)
      throws IOException, InterruptedException {
    Path stopFile = runDir.resolve("journeys.stop");
    Files.deleteIfExists(stopFile);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-XX:+UseSerialGC");
    command.add("-Dsquadron.home=" + workspace.home());
    command.add("-cp");
    command.add(ModuleClasspath.of(workspace, journey.module()));
    command.add(journey.mainClass());
    command.add("--run-dir");
    command.add(runDir.toString());
    command.add("--journeys");
    command.add(Integer.toString(journeys));
    // The hard bound; the run normally ends the journeys earlier with the stop file.
    command.add("--duration");
    command.add(duration.plus(MAX_FAULT_TIME).toSeconds() + "s");
    command.add("--stop-file");
    command.add(stopFile.toString());
    log.log(
        "journeys: "
            + journeys
            + " concurrent for at least "
            + duration.toSeconds()
            + " s and until the faults are over ("
            + journey.name()
            + ")");
    long t0 = System.nanoTime();
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    AtomicReference<String> summary = new AtomicReference<>("");
    CountDownLatch firstJourney = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  if (line.startsWith("JOURNEYS ")) {
                    summary.set(line);
                  }
                  if (line.contains(" journey ")) {
                    firstJourney.countDown();
                  }
                  log.passThrough(line);
                }
              } catch (IOException e) {
                log.log("journey output lost: " + e.getMessage());
              }
            },
            "journey-output");
    reader.setDaemon(true);
    reader.start();
    Map<String, Boolean> outcomes = new LinkedHashMap<>();
    try {
      if (!firstJourney.await(WARM_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.log("no journey ended within " + WARM_UP_TIMEOUT.toSeconds() + " s; injecting anyway");
      }
      for (int i = 0; i < plan.size() && process.isAlive(); i++) {
        if (i > 0) {
          TimeUnit.MILLISECONDS.sleep(GAP.toMillis());
        }
        Fault fault = plan.get(i);
        boolean ok;
        try {
          ok = fault.inject(target, log);
        } catch (RuntimeException e) {
          log.log(fault.describe() + " FAILED: " + e.getMessage());
          ok = false;
        }
        outcomes.put(fault.describe(), ok);
      }
      for (int i = outcomes.size(); i < plan.size(); i++) {
        outcomes.put(plan.get(i).describe(), false);
      }
      long wait = t0 + duration.toNanos() - System.nanoTime();
      if (wait > 0 && process.isAlive()) {
        log.log("faults over; journeys go on until " + duration.toSeconds() + " s");
        process.waitFor(wait, TimeUnit.NANOSECONDS);
      }
      Files.writeString(stopFile, "stop\n");
      log.log("no new journeys; waiting for those under way and the audit");
      if (!process.waitFor(DRAIN.toNanos(), TimeUnit.NANOSECONDS)) {
        log.log("the journeys did not end in time; stopping them");
        process.destroyForcibly();
      }
      process.waitFor();
      reader.join(Duration.ofSeconds(10).toMillis());
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
    return new Report(parse(summary.get()), outcomes, process.exitValue(), log.lines());
  }

  /** {@code JOURNEYS a=1 b=2} as a map. */
  static Map<String, String> parse(String line) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String part : line.trim().split("\\s+")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        values.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return values;
  }
}

package io.squadron.deploy.chaos;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.local.ModuleClasspath;
import io.squadron.deploy.local.Workspace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One chaos run: the registered journey's process drives {@code journeys} concurrent journeys for
 * {@code duration} against the platform in {@code runDir}, while the faults of the plan are
 * injected in turn, spread over the run after a warm-up. Each fault waits for the recovery it
 * expects before the next. The journeys' own output passes through; the run ends when the journey
 * process does (bounded).
 */
public final class ChaosRun {
  /** How long the journeys may take to finish after the duration (and their audit). */
  static final Duration DRAIN = Duration.ofMinutes(5);

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

  /** Runs the journeys against {@code runDir}'s platform while injecting {@code plan}. */
  public Report run(ChaosTarget target, List<Fault> plan, Path runDir, EventLog log)
      throws IOException, InterruptedException {
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
    command.add("--duration");
    command.add(duration.toSeconds() + "s");
    log.log(
        "journeys: "
            + journeys
            + " concurrent for "
            + duration.toSeconds()
            + " s ("
            + journey.name()
            + ")");
    long t0 = System.nanoTime();
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    AtomicReference<String> summary = new AtomicReference<>("");
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
      // Faults spread over the run after a warm-up in which every step has been taken once.
      long warmup = Math.min(Duration.ofSeconds(20).toNanos(), duration.toNanos() / 5);
      long span = duration.toNanos() - warmup;
      for (int i = 0; i < plan.size() && process.isAlive(); i++) {
        long at = t0 + warmup + span * i / Math.max(1, plan.size());
        long wait = at - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
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
      if (!process.waitFor(duration.toNanos() + DRAIN.toNanos(), TimeUnit.NANOSECONDS)) {
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

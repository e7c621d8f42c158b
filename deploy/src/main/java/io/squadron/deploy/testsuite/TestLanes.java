package io.squadron.deploy.testsuite;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs modules' tests in {@code lanes} lanes: each lane takes the next module of the queue when its
 * last one is done, so a long module and several short ones go side by side. A module's output goes
 * to its own log, copied whole to {@code out} when it finishes, so modules never interleave. Every
 * module runs whatever others do (a failure does not stop the suite); the result says which failed.
 */
public final class TestLanes {
  /** How one module's tests run: their exit status, their output written to {@code log}. */
  @FunctionalInterface
  public interface ModuleRunner {
    int run(SuiteModule module, Path log) throws Exception;
  }

  /** One module's outcome: its exit status (0: passed) and how long it took. */
  public record Outcome(SuiteModule module, int exit, double seconds) {
    public boolean passed() {
      return exit == 0;
    }
  }

  private final int lanes;
  private final Path logDir;
  private final ModuleRunner runner;
  private final PrintStream out;

  /**
   * @param lanes how many modules run at once, >= 1
   * @param logDir where each module's log goes ({@code <dir with / as _>.log})
   */
  public TestLanes(int lanes, Path logDir, ModuleRunner runner, PrintStream out) {
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes: " + lanes + " (expected: >= 1)");
    }
    this.lanes = lanes;
    this.logDir = requireNonNull(logDir, "logDir");
    this.runner = requireNonNull(runner, "runner");
    this.out = requireNonNull(out, "out");
  }

  /** Runs every module of {@code queue}, taken in its order; the outcomes in that order. */
  public List<Outcome> run(List<SuiteModule> queue) throws InterruptedException {
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(lanes);
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (SuiteModule module : queue) {
        futures.add(pool.submit(() -> runOne(module, start)));
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        try {
          outcomes.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("a lane failed: " + e.getCause(), e.getCause());
        }
      }
      return List.copyOf(outcomes);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The log a module's run writes. */
  public Path logOf(SuiteModule module) {
    return logDir.resolve(module.dir().replace('/', '_') + ".log");
  }

  private Outcome runOne(SuiteModule module, long suiteStart) throws Exception {
    Path log = logOf(module);
    long t0 = System.nanoTime();
    synchronized (out) {
      out.printf(
          "[squadron test] +%.0f s %s: tests started (log %s)%n",
          (t0 - suiteStart) / 1e9, module.dir(), log);
    }
    int exit;
    try {
      exit = runner.run(module, log);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      Files.writeString(
          log,
          "[squadron test] could not run the tests of " + module.dir() + ": " + e + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      exit = -1;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    synchronized (out) {
      if (Files.isRegularFile(log)) {
        Files.copy(log, out);
      }
      out.printf(
          "[squadron test] +%.0f s %s: %s in %.1f s%n",
          (System.nanoTime() - suiteStart) / 1e9,
          module.dir(),
          exit == 0 ? "PASSED" : "FAILED (exit " + exit + ")",
          seconds);
      out.flush();
    }
    return new Outcome(module, exit, seconds);
  }
}

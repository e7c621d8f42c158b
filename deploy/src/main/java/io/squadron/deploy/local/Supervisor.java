package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps the local platform's processes matching its desired state ({@link DesiredStateFile}), as a
 * Kubernetes controller would, by reconciling every {@link #PERIOD}:
 *
 * <ul>
 *   <li>a desired slot with no instance is started (and Prometheus scrapes it);
 *   <li>an instance that died unrequested is restarted in the same slot, on the same ports, after
 *       {@link RestartBackoff}'s delay (state {@link InstanceState#CRASH_LOOP_BACKOFF} meanwhile),
 *       and the log says so: {@code restarted x region-1/a#0 (exit 137) after 2 s, restart 3};
 *   <li>an instance running another release than its slot's desired one is replaced: stopped, then
 *       started with the desired release, and waited for until ready;
 *   <li>an instance whose slot left the desired state is stopped (and no longer scraped).
 * </ul>
 *
 * After every change it rewrites the observed state ({@link RunState}) for {@code status}. One
 * reconcile at a time: starting an instance (up to its readiness) holds the loop.
 */
public final class Supervisor implements AutoCloseable {
  /** How often the loop reconciles. */
  public static final Duration PERIOD = Duration.ofMillis(500);

  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final Workspace workspace;
  private final ServiceCatalog catalog;
  private final ServiceLauncher launcher;
  private final Releases releases;
  private final ServiceConfigs configs;
  private final LocalPrometheus prometheus;
  private final DesiredStateFile desiredFile;
  private final PrintStream out;
  private final LongSupplier nanoTime;
  // Guarded by stateLock (not by this): status readers never wait for a start to become ready.
  private final Map<InstanceSlot, Observed> observed = new LinkedHashMap<>();
  private final Object stateLock = new Object();
  private ScheduledExecutorService loop;
  private DesiredState lastDesired = new DesiredState(List.of());
  private String lastDesiredError;
  private RunState lastWritten;
  private boolean closed;

  /** What the supervisor knows of one slot. */
  private static final class Observed {
    DesiredInstance desired;
    RunningService service;
    Process process;
    String release;
    InstanceState state;
    int restarts;
    int crashesInARow;
    Integer lastExit;
    long restartAtNanos;
    Duration backoff = Duration.ZERO;
    long startedNanos;
  }

  Supervisor(
      Workspace workspace,
      ServiceCatalog catalog,
      ServiceLauncher launcher,
      Releases releases,
      ServiceConfigs configs,
      LocalPrometheus prometheus,
      DesiredStateFile desiredFile,
      PrintStream out,
      LongSupplier nanoTime) {
    this.workspace = requireNonNull(workspace, "workspace");
    this.catalog = requireNonNull(catalog, "catalog");
    this.launcher = requireNonNull(launcher, "launcher");
    this.releases = requireNonNull(releases, "releases");
    this.configs = requireNonNull(configs, "configs");
    this.prometheus = prometheus;
    this.desiredFile = requireNonNull(desiredFile, "desiredFile");
    this.out = requireNonNull(out, "out");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Starts every desired slot in order and waits for each to be ready; the first that fails to
   * start stops the whole start (rethrown), as {@code up} must not report a platform it could not
   * bring up.
   */
  synchronized void startAll(InstanceStartedListener listener) {
    DesiredState want = readDesired();
    // Services in call order; the instances of one service at the same time (they share nothing
    // but their stores, which exist by now).
    Map<String, List<DesiredInstance>> byService = new LinkedHashMap<>();
    want.instances()
        .forEach(d -> byService.computeIfAbsent(d.slot().service(), k -> new ArrayList<>()).add(d));
    // As many at once as there are cores: more only slows each JVM's start on a small machine.
    ExecutorService starters =
        Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
    try {
      for (List<DesiredInstance> instances : byService.values()) {
        List<Future<?>> started = new ArrayList<>();
        for (DesiredInstance d : instances) {
          Observed o = new Observed();
          o.desired = d;
          synchronized (stateLock) {
            observed.put(d.slot(), o);
          }
          started.add(
              starters.submit(
                  () -> {
                    long t0 = nanoTime.getAsLong();
                    launch(o, d);
                    listener.started(
                        o.service, o.release, Duration.ofNanos(nanoTime.getAsLong() - t0));
                  }));
        }
        for (Future<?> f : started) {
          try {
            f.get();
          } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r
                ? r
                : new IllegalStateException(e.getCause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the platform", e);
          }
        }
      }
    } finally {
      // On a failure the other starts are interrupted (their processes destroyed); wait for them,
      // so close() sees every process that did start.
      starters.shutdownNow();
      try {
        starters.awaitTermination(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writeState();
  }

  /** Told of each instance {@link #startAll} starts. */
  interface InstanceStartedListener {
    void started(RunningService service, String release, Duration readyAfter);
  }

  /** Runs {@link #reconcile} every {@link #PERIOD} on a daemon thread until {@link #close}. */
  synchronized void startLoop() {
    if (loop != null || closed) {
      return;
    }
    loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "squadron-supervisor");
              t.setDaemon(true);
              return t;
            });
    loop.scheduleWithFixedDelay(
        () -> {
          try {
            reconcile();
          } catch (RuntimeException e) {
            log("reconcile failed: " + e);
          }
        },
        PERIOD.toMillis(),
        PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** One pass: makes the processes match the desired state, then records what it saw. */
  public synchronized void reconcile() {
    if (closed) {
      return;
    }
    DesiredState want = readDesired();
    Set<InstanceSlot> wanted = new LinkedHashSet<>();
    want.instances().forEach(d -> wanted.add(d.slot()));
    List<InstanceSlot> gone = new ArrayList<>();
    synchronized (stateLock) {
      for (InstanceSlot slot : observed.keySet()) {
        if (!wanted.contains(slot)) {
          gone.add(slot);
        }
      }
    }
    Collections.reverse(gone);
    for (InstanceSlot slot : gone) {
      Observed o;
      synchronized (stateLock) {
        o = observed.remove(slot);
      }
      stop(o);
      log("stopped " + slot + " (no longer desired)");
    }
    for (DesiredInstance d : want.instances()) {
      if (closed) {
        return;
      }
      Observed o;
      synchronized (stateLock) {
        o = observed.get(d.slot());
      }
      if (o == null) {
        o = new Observed();
        o.desired = d;
        synchronized (stateLock) {
          observed.put(d.slot(), o);
        }
        tryLaunch(o, d, "started " + d.slot() + " (release " + d.release() + ")");
      } else if (o.state == InstanceState.CRASH_LOOP_BACKOFF) {
        if (nanoTime.getAsLong() - o.restartAtNanos >= 0) {
          o.restarts++;
          String message =
              "restarted "
                  + d.slot()
                  + " ("
                  + (o.lastExit == null ? "did not start" : "exit " + o.lastExit)
                  + ") after "
                  + o.backoff.toSeconds()
                  + " s, restart "
                  + o.restarts;
          tryLaunch(o, d, message);
        }
      } else if (o.process != null && !o.process.isAlive()) {
        crashed(o, o.process.exitValue());
      } else if (!d.release().equals(o.release)
          || d.port() != o.desired.port()
          || d.adminPort() != o.desired.adminPort()) {
        String from = o.release;
        synchronized (stateLock) {
          o.state = InstanceState.REPLACING;
        }
        writeState();
        stop(o);
        tryLaunch(o, d, "replaced " + d.slot() + ": release " + from + " -> " + d.release());
      }
    }
    writeState();
  }

  private void crashed(Observed o, int exit) {
    Duration ranFor = Duration.ofNanos(nanoTime.getAsLong() - o.startedNanos);
    if (prometheus != null && o.service != null) {
      prometheus.remove(o.service);
    }
    synchronized (stateLock) {
      o.lastExit = exit;
      o.process = null;
      o.crashesInARow = RestartBackoff.crashesInARow(o.crashesInARow, ranFor);
      o.backoff = RestartBackoff.delay(o.crashesInARow);
      o.restartAtNanos = nanoTime.getAsLong() + o.backoff.toNanos();
      o.state = InstanceState.CRASH_LOOP_BACKOFF;
    }
    log(
        o.desired.slot()
            + " exited unrequested (exit "
            + exit
            + ") after running "
            + ranFor.toSeconds()
            + " s; CrashLoopBackOff, restarting in "
            + o.backoff.toSeconds()
            + " s");
  }

  /** Starts {@code d} into {@code o}; a failure to start counts as a crash (backoff, retried). */
  private void tryLaunch(Observed o, DesiredInstance d, String message) {
    try {
      launch(o, d);
      log(message);
    } catch (RuntimeException e) {
      o.startedNanos = nanoTime.getAsLong();
      o.release = d.release();
      o.desired = d;
      log("could not start " + d.slot() + ": " + firstLine(e.getMessage()));
      crashed(o, o.lastExit == null ? -1 : o.lastExit);
    }
  }

  private void launch(Observed o, DesiredInstance d) {
    ServiceModule module =
        catalog
            .find(d.slot().service())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "desired state names " + d.slot().service() + ", not in this checkout"));
    o.desired = d;
    o.state = InstanceState.STARTING;
    Releases.Release release =
        releases.resolve(d.slot().service(), module.moduleDir(), d.release());
    ServiceLauncher.Launched launched =
        launcher.start(module, d, release, configs.forInstance(module, d.slot()));
    o.service = launched.service();
    o.process = launched.process();
    o.release = d.release();
    o.startedNanos = nanoTime.getAsLong();
    o.state = InstanceState.RUNNING;
    if (prometheus != null) {
      prometheus.add(
          o.service,
          Map.of(
              LocalPrometheus.REGION, d.slot().region(),
              LocalPrometheus.GROUP, d.slot().group(),
              LocalPrometheus.RELEASE, d.release()));
    }
  }

  private void stop(Observed o) {
    if (prometheus != null && o.service != null) {
      prometheus.remove(o.service);
    }
    Process process = o.process;
    if (process != null) {
      Processes.stop(process.toHandle(), STOP_GRACE);
    }
    synchronized (stateLock) {
      o.process = null;
      o.state = InstanceState.STOPPED;
    }
  }

  private DesiredState readDesired() {
    try {
      lastDesired = desiredFile.read().orElse(lastDesired);
      lastDesiredError = null;
    } catch (RuntimeException e) {
      // Keep running what was desired last: a broken file must not stop the platform.
      if (!String.valueOf(e.getMessage()).equals(lastDesiredError)) {
        lastDesiredError = String.valueOf(e.getMessage());
        log("desired state unreadable, keeping the last one: " + lastDesiredError);
      }
    }
    return lastDesired;
  }

  /** The observed state now (never waits for an instance being started). */
  public RunState runState() {
    synchronized (stateLock) {
      return snapshot();
    }
  }

  private RunState snapshot() {
    List<InstanceStatus> instances = new ArrayList<>();
    for (Observed o : observed.values()) {
      RunningService process =
          o.service != null
              ? o.service
              : new RunningService(
                  o.desired.slot(),
                  catalog
                      .find(o.desired.slot().service())
                      .map(ServiceModule::moduleDir)
                      .orElse("?"),
                  -1,
                  o.desired.port(),
                  o.desired.adminPort(),
                  -1);
      instances.add(
          new InstanceStatus(
              process,
              o.release == null ? o.desired.release() : o.release,
              o.state,
              o.restarts,
              Optional.ofNullable(o.lastExit)));
    }
    ProcessHandle self = ProcessHandle.current();
    return new RunState(self.pid(), Processes.startMillis(self), instances);
  }

  private void writeState() {
    synchronized (stateLock) {
      RunState now = snapshot();
      if (!now.equals(lastWritten)) {
        now.write(workspace.stateFile());
        lastWritten = now;
      }
    }
  }

  private void log(String message) {
    out.println("[" + LocalTime.now(ZoneOffset.UTC).format(TIME) + " supervisor] " + message);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Stops the loop, then every instance, last started first. */
  @Override
  public void close() {
    ScheduledExecutorService l;
    synchronized (this) {
      closed = true;
      l = loop;
      loop = null;
    }
    if (l != null) {
      l.shutdown();
      try {
        l.awaitTermination(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      List<Observed> reverse;
      synchronized (stateLock) {
        reverse = new ArrayList<>(observed.values());
      }
      Collections.reverse(reverse);
      for (Observed o : reverse) {
        stop(o);
      }
      synchronized (stateLock) {
        observed.clear();
      }
    }
  }
}

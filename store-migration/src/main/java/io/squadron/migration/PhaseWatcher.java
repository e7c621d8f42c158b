package io.squadron.migration;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's view of a migration's phase: reads the control record at start and every poll
 * interval, switches without a restart, and reports the phase it runs. Calls hold a {@link Ticket}
 * for their whole duration; the report names a new phase only once every call begun under an older
 * one has finished, so "every instance reports phase P" means no call anywhere still runs an older
 * phase.
 *
 * <p>Metric: {@code migration_phase{migration, instance}}, the ordinal of the phase this instance
 * runs.
 */
public final class PhaseWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PhaseWatcher.class);

  private final ControlStore control;
  private final String migration;
  private final String instanceId;
  private final Clock clock;
  private final ScheduledExecutorService poller;
  private final Deque<State> draining = new ArrayDeque<>();
  private volatile State state;
  private volatile State reported;

  private PhaseWatcher(Builder b) {
    this.control = b.control;
    this.migration = b.migration;
    this.instanceId = b.instanceId;
    this.clock = b.clock;
    ControlRecord record = control.read(migration);
    this.state = new State(record.phase(), record.epoch());
    this.reported = state;
    report();
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "migration-watch-" + migration);
              t.setDaemon(true);
              return t;
            });
    long millis = b.pollInterval.toMillis();
    poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
    if (b.registry != null) {
      Gauge.builder("migration_phase", this, w -> w.reported.phase.ordinal())
          .description(
              "Ordinal of the migration phase this instance runs (0 = SOURCE_ONLY ... 4 = TARGET_ONLY)")
          .tag("migration", migration)
          .tag("instance", instanceId)
          .register(b.registry);
    }
  }

  /** A builder for a watcher of {@code migration} in {@code control}. */
  public static Builder builder(ControlStore control, String migration) {
    return new Builder(control, migration);
  }

  /** Enters a call under the current phase; close the ticket when the call is done. */
  public Ticket enter() {
    while (true) {
      State s = state;
      s.inFlight.incrementAndGet();
      if (s == state) {
        return new Ticket(s);
      }
      s.inFlight.decrementAndGet();
    }
  }

  /** The phase new calls run under. */
  public Phase current() {
    return state.phase;
  }

  /** The phase this instance reports (all older calls drained). */
  public Phase reportedPhase() {
    return reported.phase;
  }

  /** This instance's id. */
  public String instanceId() {
    return instanceId;
  }

  /** The migration's name. */
  public String migration() {
    return migration;
  }

  /** Reads the control record now (tests; the poller does this every interval). */
  public synchronized void poll() {
    try {
      ControlRecord record = control.read(migration);
      if (record.epoch() != state.epoch) {
        State old = state;
        draining.addLast(old);
        state = new State(record.phase(), record.epoch());
        log.info(
            "migration {} instance {}: phase {} -> {} (epoch {})",
            migration,
            instanceId,
            old.phase,
            record.phase(),
            record.epoch());
      }
      while (!draining.isEmpty() && draining.peekFirst().inFlight.get() == 0) {
        draining.removeFirst();
      }
      reported = draining.isEmpty() ? state : draining.peekFirst();
      report();
    } catch (RuntimeException e) {
      log.warn(
          "migration {} instance {}: control record unreadable, keeping phase {}: {}",
          migration,
          instanceId,
          state.phase,
          e.toString());
    }
  }

  private void report() {
    control.report(
        migration, new InstanceReport(instanceId, reported.phase, reported.epoch, clock.instant()));
  }

  /** Stops watching and withdraws this instance's report. */
  @Override
  public void close() {
    poller.shutdownNow();
    try {
      control.forget(migration, instanceId);
    } catch (RuntimeException e) {
      log.warn(
          "migration {} instance {}: could not withdraw report: {}",
          migration,
          instanceId,
          e.toString());
    }
  }

  private static final class State {
    final Phase phase;
    final long epoch;
    final AtomicInteger inFlight = new AtomicInteger();

    State(Phase phase, long epoch) {
      this.phase = phase;
      this.epoch = epoch;
    }
  }

  /** One call's hold on a phase. */
  public static final class Ticket implements AutoCloseable {
    private final State state;
    private boolean closed;

    private Ticket(State state) {
      this.state = state;
    }

    /** The phase this call runs under, for its whole duration. */
    public Phase phase() {
      return state.phase;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        state.inFlight.decrementAndGet();
      }
    }
  }

  /** Builds a {@link PhaseWatcher}. */
  public static final class Builder {
    private final ControlStore control;
    private final String migration;
    private String instanceId = java.util.UUID.randomUUID().toString();
    private Duration pollInterval = Duration.ofMillis(500);
    private Clock clock = Clock.systemUTC();
    private MeterRegistry registry;

    private Builder(ControlStore control, String migration) {
      this.control = requireNonNull(control, "control");
      this.migration = requireNonNull(migration, "migration");
      if (migration.isBlank()) {
        throw new IllegalArgumentException("migration: blank (expected: a name)");
      }
    }

    /** This instance's id (default: a random UUID). */
    public Builder instanceId(String instanceId) {
      this.instanceId = requireNonNull(instanceId, "instanceId");
      return this;
    }

    /** How often the control record is read (default 500 ms). */
    public Builder pollInterval(Duration pollInterval) {
      requireNonNull(pollInterval, "pollInterval");
      if (pollInterval.toMillis() < 1) {
        throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: >= 1ms)");
      }
      this.pollInterval = pollInterval;
      return this;
    }

    /** The clock of the reports (default UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Where the phase gauge goes (default: nowhere). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /** Reads the control record, reports, and starts polling. */
    public PhaseWatcher start() {
      return new PhaseWatcher(this);
    }
  }
}

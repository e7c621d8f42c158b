package io.squadron.migration;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.UUID;

/**
 * What one instance of a migrating service runs: the {@link PhaseWatcher} of the control record,
 * the {@link MigrationRouter} its store calls go through, and the {@link BackfillWorker} that
 * copies rows when this instance holds the backfill lease. Closing it stops the worker, then the
 * watcher.
 *
 * <pre>{@code
 * MigrationAgent agent = service.register(MigrationAgent.start(MigrationSettings.from(config), service.name(),
 *     JdbcControlStore.create(pool), copier, copier, Clock.systemUTC(), service.meterRegistry()));
 * UserStore store = new MigratingUserStore(source, target, agent.router());
 * }</pre>
 */
public final class MigrationAgent implements AutoCloseable {
  private final PhaseWatcher watcher;
  private final MigrationRouter router;
  private final BackfillWorker worker;

  private MigrationAgent(PhaseWatcher watcher, MigrationRouter router, BackfillWorker worker) {
    this.watcher = watcher;
    this.router = router;
    this.worker = worker;
  }

  /**
   * Starts watching the migration and, while the phase is {@code BACKFILL} and this instance holds
   * the lease, copying rows with {@code keys} and {@code copier}.
   *
   * @param serviceName names this instance in reports when {@code settings.instanceId()} is blank
   */
  public static MigrationAgent start(
      MigrationSettings settings,
      String serviceName,
      ControlStore control,
      Backfill.KeySource keys,
      Backfill.RowCopier copier,
      Clock clock,
      MeterRegistry registry) {
    requireNonNull(settings, "settings");
    requireNonNull(serviceName, "serviceName");
    String instanceId =
        settings.instanceId().isBlank()
            ? serviceName + "-" + UUID.randomUUID()
            : settings.instanceId();
    PhaseWatcher watcher =
        PhaseWatcher.builder(control, settings.name())
            .instanceId(instanceId)
            .pollInterval(settings.pollInterval())
            .clock(clock)
            .meterRegistry(registry)
            .start();
    try {
      Backfill backfill =
          Backfill.builder(control, settings.name(), keys, copier)
              .pageSize(settings.backfillPageSize())
              .rowsPerSecond(settings.backfillRowsPerSecond())
              .meterRegistry(registry)
              .build();
      BackfillWorker worker =
          new BackfillWorker(
              watcher,
              control,
              backfill,
              settings.pollInterval(),
              settings.backfillLeaseTtl(),
              clock);
      return new MigrationAgent(watcher, new MigrationRouter(watcher, registry), worker);
    } catch (RuntimeException e) {
      watcher.close();
      throw e;
    }
  }

  /** The phase watcher (phase, tickets, reports). */
  public PhaseWatcher watcher() {
    return watcher;
  }

  /** The router of store calls under the current phase. */
  public MigrationRouter router() {
    return router;
  }

  @Override
  public void close() {
    try {
      worker.close();
    } finally {
      watcher.close();
    }
  }
}

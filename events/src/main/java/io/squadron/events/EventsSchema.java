package io.squadron.events;

import static java.util.Objects.requireNonNull;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The library's tables ({@code squadron_outbox}, {@code squadron_processed_event}), created by
 * Flyway migrations shipped in this jar ({@code classpath:db/squadron-events}) with their own
 * history table, {@value #HISTORY_TABLE}, so they live beside a service's own Flyway migrations
 * without either seeing the other's.
 *
 * <pre>{@code
 * ServiceSchema.migrate(dataSource);  // the service's own Flyway, its own history table and locations
 * EventsSchema.migrate(dataSource);   // the outbox and processed-event tables
 * }</pre>
 *
 * <p>The tables go into the connection's current schema ({@code search_path}, normally {@code
 * public}).
 */
public final class EventsSchema {
  /** The Flyway history table of the library's migrations. */
  public static final String HISTORY_TABLE = "squadron_events_schema_history";

  /** Where the migrations are. */
  public static final String LOCATION = "classpath:db/squadron-events";

  private EventsSchema() {}

  /** Applies the pending migrations of the library's tables; a no-op when they are current. */
  public static void migrate(DataSource dataSource) {
    requireNonNull(dataSource, "dataSource");
    Flyway.configure()
        .dataSource(dataSource)
        .locations(LOCATION)
        .table(HISTORY_TABLE)
        // The database already holds the service's tables: start this history at 0 instead of
        // refusing.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }
}

/**
 * A service's PostgreSQL database: {@link io.squadron.store.postgres.PostgresStore} (a HikariCP
 * pool, Flyway schemas with a history table per schema name, a readiness check), its settings
 * ({@link io.squadron.store.postgres.PostgresSettings}, {@code squadron.stores.postgres}), and
 * {@link io.squadron.store.postgres.PostgresDatabases} for tools that hand each service a database
 * of its own.
 */
package io.squadron.store.postgres;

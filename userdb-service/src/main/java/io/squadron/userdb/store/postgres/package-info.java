/** The PostgreSQL {@link io.squadron.userdb.store.UserStore}: HikariCP, JDBC, schema by Flyway migrations. */
package io.squadron.userdb.store.postgres;

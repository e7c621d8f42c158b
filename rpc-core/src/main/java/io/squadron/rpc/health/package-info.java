/**
 * Readiness: a service adds named {@link io.squadron.rpc.health.ReadinessCheck}s (a store is
 * reachable, ...); the server evaluates them in the background and drives both {@code
 * grpc.health.v1.Health} and {@code /readyz}.
 */
package io.squadron.rpc.health;

/** Readiness state: runs the named checks and drives {@code grpc.health.v1} and {@code /readyz}. */
package io.squadron.rpc.internal.health;

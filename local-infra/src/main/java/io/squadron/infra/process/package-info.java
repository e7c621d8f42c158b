/**
 * Process handling shared by the launchers: private work directories with an owner marker and the
 * reaping of those left by crashed runs ({@link io.squadron.infra.process.RunDir}), free loopback
 * ports, signals to a process tree, bounded readiness waits, the JVM shutdown hook, and {@link
 * io.squadron.infra.process.ManagedServer}, the lifecycle every {@link
 * io.squadron.infra.LocalServer} shares.
 *
 * <p>Public only because the launchers live in sibling packages; not an API for services.
 */
package io.squadron.infra.process;

package io.squadron.rpc.health;

/**
 * One condition a service needs before it can serve: a store answers, a dependency is reachable. It
 * must be quick (it runs on the readiness thread every poll interval) and must not log secrets.
 */
@FunctionalInterface
public interface ReadinessCheck {
  /** True when ready; false or an exception when not. */
  boolean isReady() throws Exception;
}

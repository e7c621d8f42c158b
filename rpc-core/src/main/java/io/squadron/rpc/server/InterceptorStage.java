package io.squadron.rpc.server;

/**
 * The fixed order of the server chain. A call passes the stages top to bottom; a stage that rejects a call closes it
 * itself, so later stages and the handler never see it. METRICS and ERROR_MAPPING are built in.
 */
public enum InterceptorStage {
  /** Establishes the {@link io.squadron.rpc.identity.Caller} (mTLS certificate or app token). */
  IDENTITY,
  /** Allows or denies the caller for the method. */
  PERMISSION,
  /** Applies the (caller, method) rate limit. */
  RATE_LIMIT,
  /** Built in: counts and times the calls that got this far. */
  METRICS,
  /** Built in: turns handler exceptions into statuses. */
  ERROR_MAPPING,
  /** A service's own interceptors, closest to the handler. */
  APPLICATION
}

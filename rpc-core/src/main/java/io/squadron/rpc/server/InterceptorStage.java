package io.squadron.rpc.server;

/**
 * The fixed order of the server chain. A call passes the stages top to bottom; a stage that rejects
 * a call closes it itself, so later stages and the handler never see it. METRICS and ERROR_MAPPING
 * are built in.
 */
public enum InterceptorStage {
  /**
   * Built in and outermost: counts and times every call with its final status, so the calls the
   * identity, permission and rate-limit stages reject (UNAUTHENTICATED, PERMISSION_DENIED,
   * RESOURCE_EXHAUSTED) are counted too; the caller label is the identity the next stage
   * establishes, {@code unknown} when it establishes none.
   */
  METRICS,
  /** Establishes the {@link io.squadron.rpc.identity.Caller} (mTLS certificate or app token). */
  IDENTITY,
  /** Allows or denies the caller for the method. */
  PERMISSION,
  /** Applies the (caller, method) rate limit. */
  RATE_LIMIT,
  /** Built in: turns handler exceptions into statuses. */
  ERROR_MAPPING,
  /** A service's own interceptors, closest to the handler. */
  APPLICATION
}

package io.squadron.deploy.local;

/** What the supervisor last saw of a slot's instance (Kubernetes's pod phases, roughly). */
public enum InstanceState {
  /** Started, not ready yet. */
  STARTING,
  /** Ready and serving. */
  RUNNING,
  /** Died unrequested; waiting out its restart backoff ({@code CrashLoopBackOff}). */
  CRASH_LOOP_BACKOFF,
  /** Being replaced by another release. */
  REPLACING,
  /** Stopped on request (its slot left the desired state, or the platform stops). */
  STOPPED
}

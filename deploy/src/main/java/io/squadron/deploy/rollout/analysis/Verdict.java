package io.squadron.deploy.rollout.analysis;

/** What one metric, or one interval of a canary, says. */
public enum Verdict {
  /** No significant degradation, with enough samples. */
  PASS,
  /**
   * An interval whose score is between the marginal and the pass thresholds (metrics never are).
   */
  MARGINAL,
  /** A significant degradation at least as large as the minimum effect. */
  FAIL,
  /** Too few samples to say: never counts as a pass. */
  INCONCLUSIVE
}

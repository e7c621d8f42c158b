package io.squadron.deploy.rollout.analysis;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Judges a canary over its intervals: {@link AnalysisSettings#failAfter()} consecutive failing
 * intervals roll it back; {@link AnalysisSettings#passAfter()} passing intervals with no failing
 * one since the first of them promote it; marginal and inconclusive intervals neither count as
 * passing nor reset a run of failures; and a canary that has not passed after {@link
 * AnalysisSettings#maxIntervals()} intervals is rolled back (too little traffic never passes). Not
 * thread-safe: one judge per canary, fed in order.
 */
public final class CanaryJudge {
  /** What to do after an interval. */
  public enum Action {
    /** Keep the canary and analyse another interval. */
    CONTINUE,
    /** The canary passed: take the next rollout step. */
    PROMOTE,
    /** The canary failed (or could not pass in time): roll it back. */
    ROLLBACK
  }

  /** The judge's decision after an interval, with the reason a report prints. */
  public record Decision(Action action, String reason) {
    public Decision {
      requireNonNull(action, "action");
      requireNonNull(reason, "reason");
    }
  }

  private final AnalysisSettings settings;
  private final List<IntervalResult> intervals = new ArrayList<>();
  private int consecutiveFailures;
  private int passesSinceFailure;
  private Decision last;

  /** A judge with these thresholds. */
  public CanaryJudge(AnalysisSettings settings) {
    this.settings = requireNonNull(settings, "settings");
  }

  /**
   * Takes the next interval's result and decides; after PROMOTE or ROLLBACK the judge takes no
   * more.
   */
  public Decision add(IntervalResult interval) {
    requireNonNull(interval, "interval");
    if (last != null && last.action() != Action.CONTINUE) {
      throw new IllegalStateException("the canary was already judged: " + last);
    }
    intervals.add(interval);
    switch (interval.verdict()) {
      case FAIL -> {
        consecutiveFailures++;
        passesSinceFailure = 0;
      }
      case PASS -> {
        consecutiveFailures = 0;
        passesSinceFailure++;
      }
      default -> {}
    }
    int n = intervals.size();
    if (consecutiveFailures >= settings.failAfter()) {
      last =
          new Decision(
              Action.ROLLBACK,
              consecutiveFailures
                  + " consecutive failing intervals (limit "
                  + settings.failAfter()
                  + ")");
    } else if (passesSinceFailure >= settings.passAfter()) {
      last =
          new Decision(
              Action.PROMOTE, passesSinceFailure + " passing intervals since the last failing one");
    } else if (n >= settings.maxIntervals()) {
      last =
          new Decision(
              Action.ROLLBACK,
              "not passed after "
                  + n
                  + " intervals ("
                  + passesSinceFailure
                  + " passing of "
                  + settings.passAfter()
                  + " needed): fail safe");
    } else {
      last =
          new Decision(
              Action.CONTINUE,
              interval.verdict()
                  + " ("
                  + passesSinceFailure
                  + "/"
                  + settings.passAfter()
                  + " passes, "
                  + consecutiveFailures
                  + "/"
                  + settings.failAfter()
                  + " failures)");
    }
    return last;
  }

  /** The intervals judged so far, oldest first. */
  public List<IntervalResult> intervals() {
    return List.copyOf(intervals);
  }
}

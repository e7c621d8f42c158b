/**
 * Automated canary analysis for rollouts: a canary compared with a baseline started at the same
 * time on the old version, per metric, by a statistical test with an effect size (Mann-Whitney U on
 * latency samples, a one-sided binomial test on error counts, both Apache Commons Statistics'), a
 * minimum sample count below which a metric is inconclusive (never a pass), a score per interval
 * (the share of metrics passing) judged against pass and marginal thresholds, and a judge over
 * consecutive intervals that promotes, waits, or rolls back.
 */
package io.squadron.deploy.rollout.analysis;

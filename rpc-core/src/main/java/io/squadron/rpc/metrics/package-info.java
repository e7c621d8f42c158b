/**
 * How call latency is recorded ({@link io.squadron.rpc.metrics.MetricsSettings}). The recorders
 * themselves are internal: every server counts each call with its final status, rejections by the
 * identity, permission and rate limit stages included, and every client counts its calls per
 * target.
 */
package io.squadron.rpc.metrics;

/**
 * Rate limits per (caller, method): a token bucket for every pair with a platform-wide default
 * threshold, so a squad can try calling another service without asking first, and overrides in
 * config for traffic the squads agreed on. Limits are per instance: with N instances behind a
 * balancer, a caller gets up to N times the rate in total. Idle buckets expire, so memory stays
 * bounded by the pairs active recently.
 */
package io.squadron.rpc.internal.ratelimit;

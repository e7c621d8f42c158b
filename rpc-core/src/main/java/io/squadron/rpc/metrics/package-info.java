/**
 * Call metrics for servers and clients (Micrometer, scraped as Prometheus text from the admin endpoint): count and
 * latency histogram per method, caller or target, and status; in-flight calls.
 */
package io.squadron.rpc.metrics;

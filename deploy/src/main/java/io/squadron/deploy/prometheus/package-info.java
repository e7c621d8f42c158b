/**
 * Reading a Prometheus server through its HTTP query API ({@link
 * io.squadron.deploy.prometheus.PrometheusClient}): instant and range queries, scrape targets,
 * loaded rules. Dashboards' tests, {@code squadron status} and canary analysis read metrics through
 * it.
 */
package io.squadron.deploy.prometheus;

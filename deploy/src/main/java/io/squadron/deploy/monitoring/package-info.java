/**
 * What ops watch, generated from the service descriptors: Prometheus recording and alerting rules
 * for every service's SLOs (the SRE workbook's multi-window, multi-burn-rate alerts) with their
 * {@code promtool} unit tests, and Grafana dashboards. {@code squadron monitoring} writes them
 * under {@code deploy/}; the platform-wide rules over library metrics ({@code
 * deploy/prometheus/rules/platform.yml}) are written by hand.
 */
package io.squadron.deploy.monitoring;

/**
 * Prometheus: the machine's {@code prometheus} binary (Debian package {@code prometheus}, installed
 * on demand when running as root) on a free loopback port, with its config, data and log in a
 * private work directory, scraping the targets written to file-based service discovery ({@code
 * file_sd_configs}); ready when {@code /-/ready} answers 200. {@link
 * io.squadron.infra.prometheus.PrometheusLauncher#promtool()} finds {@code promtool} the same way.
 */
package io.squadron.infra.prometheus;

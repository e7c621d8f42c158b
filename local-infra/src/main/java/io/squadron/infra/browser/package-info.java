/**
 * Debian's Chromium and chromedriver for headless browser tests: found, or installed with apt-get
 * when missing and running as root ({@link io.squadron.infra.browser.Chromium}).
 */
package io.squadron.infra.browser;

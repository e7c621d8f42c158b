/**
 * Browser tests: {@link io.squadron.testkit.browser.BrowserExtension} runs Debian's headless
 * Chromium for a test class through Selenium WebDriver, with screenshots on failure and on demand.
 */
package io.squadron.testkit.browser;

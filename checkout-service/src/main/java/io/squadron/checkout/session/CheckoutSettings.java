package io.squadron.checkout.session;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;

/**
 * {@code squadron.checkout.*} besides the catalog and the offers (defaults in reference.conf).
 *
 * @param sessionTtl how long a session (and its offer code reservation) lives without a payment
 *     under way
 * @param quoteTtl how long a quote holds; a later payment step re-quotes first
 * @param paymentWindow how long a session with a payment under way (pending, awaiting the payer) is
 *     kept
 * @param billingDeadline the deadline of each call to billing
 * @param webUrl the web checkout's address, for fallback steps and payment return URLs
 */
public record CheckoutSettings(
    Duration sessionTtl,
    Duration quoteTtl,
    Duration paymentWindow,
    Duration billingDeadline,
    String webUrl) {
  public CheckoutSettings {
    requireNonNull(sessionTtl, "sessionTtl");
    requireNonNull(quoteTtl, "quoteTtl");
    requireNonNull(paymentWindow, "paymentWindow");
    requireNonNull(billingDeadline, "billingDeadline");
    requireNonNull(webUrl, "webUrl");
  }

  public static CheckoutSettings from(Config config) {
    ConfigReader r = ConfigReader.at(config, "squadron.checkout");
    String web = r.nonEmptyString("web-url");
    if (!web.startsWith("https://") && !web.startsWith("http://")) {
      throw new InvalidConfigException(
          r.key("web-url"), "'" + web + "' (expected: an http(s) URL)");
    }
    return new CheckoutSettings(
        r.positiveDuration("session-ttl"),
        r.positiveDuration("quote-ttl"),
        r.positiveDuration("payment-window"),
        r.positiveDuration("billing-deadline"),
        web);
  }
}

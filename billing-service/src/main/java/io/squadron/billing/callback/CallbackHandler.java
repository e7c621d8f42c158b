package io.squadron.billing.callback;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.squadron.billing.engine.BillingException;
import io.squadron.billing.engine.PaymentEngine;
import io.squadron.billing.engine.PaymentIds;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.provider.OutcomeUnknownException;
import io.squadron.billing.provider.PaymentProvider;
import io.squadron.billing.provider.ProviderHttp;
import io.squadron.billing.provider.ProviderMetrics;
import io.squadron.billing.provider.ProviderRegistry;
import io.squadron.billing.provider.ProviderSettings;
import io.squadron.billing.provider.ProviderUnavailableException;
import io.squadron.billing.store.PaymentStore;
import io.squadron.store.StoreUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a provider callback does: verify its signature (any of the provider's secrets, 300 s
 * tolerance), read the event, find the payment, and apply what the event shows (or what the
 * provider shows when the event carries only an id) through the payment engine, deduplicated by
 * event id in the same transaction. Safe in any order and any number of times: the state machine
 * ignores what is behind the payment. A forged, expired or malformed callback is refused with 400,
 * counted, and changes nothing.
 */
public final class CallbackHandler {
  private static final Logger log = LoggerFactory.getLogger(CallbackHandler.class);

  /**
   * An HTTP answer to the provider.
   *
   * @param status the status; non-2xx makes the provider deliver again later
   * @param body a short plain-text reason (never secrets)
   */
  public record Answer(int status, String body) {}

  private final ProviderRegistry providers;
  private final PaymentStore store;
  private final PaymentEngine engine;
  private final ProviderMetrics metrics;
  private final SignatureVerifier verifier;
  private final Clock wallClock;

  /**
   * A handler verifying with {@code tolerance} against {@code wallClock} (signatures carry
   * wall-clock seconds).
   */
  public CallbackHandler(
      ProviderRegistry providers,
      PaymentStore store,
      PaymentEngine engine,
      ProviderMetrics metrics,
      Duration tolerance,
      Clock wallClock) {
    this.providers = requireNonNull(providers, "providers");
    this.store = requireNonNull(store, "store");
    this.engine = requireNonNull(engine, "engine");
    this.metrics = requireNonNull(metrics, "metrics");
    this.verifier = new SignatureVerifier(tolerance);
    this.wallClock = requireNonNull(wallClock, "wallClock");
  }

  /** Handles a callback of {@code provider} with its signature header and raw body. */
  public Answer handle(String provider, String signature, byte[] body) {
    Optional<PaymentProvider> adapter = providers.get(provider);
    Optional<ProviderSettings> settings = providers.settings(provider);
    if (adapter.isEmpty() || settings.isEmpty()) {
      metrics.callbackRejected("unknown", "unknown_provider");
      return new Answer(404, "no such provider");
    }
    SignatureVerifier.Verdict verdict =
        verifier.verify(signature, body, settings.get().webhookSecrets(), wallClock.instant());
    if (verdict != SignatureVerifier.Verdict.VALID) {
      metrics.callbackRejected(provider, verdict.name().toLowerCase(java.util.Locale.ROOT));
      log.warn("refused a {} callback: {}", provider, verdict);
      return new Answer(400, "signature " + verdict.name().toLowerCase(java.util.Locale.ROOT));
    }
    JsonNode event;
    try {
      event = ProviderHttp.JSON.readTree(body);
    } catch (IOException e) {
      event = null;
    }
    String id = event == null ? null : text(event, "id");
    String type = event == null ? null : text(event, "type");
    JsonNode object = event == null ? null : event.path("data").path("object");
    if (id == null || type == null || object == null || !object.isObject() || id.length() > 255) {
      metrics.callbackRejected(provider, "malformed");
      return new Answer(400, "malformed event (expected id, type and data.object)");
    }
    Optional<PaymentProvider.EventInfo> info;
    try {
      info = adapter.get().parseEvent(type, object);
    } catch (RuntimeException e) {
      metrics.callbackRejected(provider, "malformed");
      log.warn("a {} callback of type {} does not read: {}", provider, type, e.toString());
      return new Answer(400, "malformed event object");
    }
    if (info.isEmpty()) {
      metrics.callback(provider, "ignored");
      return new Answer(200, "ignored");
    }
    try {
      Optional<PaymentRecord> payment = find(provider, info.get());
      if (payment.isEmpty()) {
        // Most likely billing has not recorded the provider's answer yet: ask for a later delivery.
        metrics.callback(provider, "unknown_payment");
        return new Answer(503, "payment not known yet");
      }
      PaymentRecord before = payment.get();
      PaymentEngine.EventKey key = new PaymentEngine.EventKey(provider, id, type);
      Optional<PaymentRecord> after =
          info.get().observation().isPresent()
              ? engine.observe(before.id(), info.get().observation().get(), "callback " + type, key)
              : engine.fetchAndObserve(before.id(), "callback " + type, key);
      if (after.isEmpty()) {
        metrics.callback(provider, "duplicate");
        return new Answer(200, "duplicate");
      }
      if (after.get().state() != before.state()) {
        store
            .lastProviderCall(before.id())
            .ifPresent(
                at ->
                    metrics.callbackLag(
                        provider, Duration.between(at, Instant.now(wallClock)).abs()));
        metrics.callback(provider, "applied");
      } else {
        metrics.callback(provider, "unchanged");
      }
      return new Answer(200, "ok");
    } catch (StoreUnavailableException | ProviderUnavailableException | OutcomeUnknownException e) {
      metrics.callback(provider, "retry_later");
      return new Answer(503, "try again later");
    } catch (BillingException.PaymentNotFound e) {
      metrics.callback(provider, "unknown_payment");
      return new Answer(503, "payment not known yet");
    }
  }

  private Optional<PaymentRecord> find(String provider, PaymentProvider.EventInfo info) {
    Optional<PaymentRecord> p =
        info.providerRef().flatMap(ref -> store.findByProviderRef(provider, ref));
    if (p.isEmpty() && info.reference().isPresent()) {
      p =
          store
              .find(PaymentIds.paymentOf(info.reference().get()))
              .filter(found -> found.provider().equals(provider));
    }
    if (p.isEmpty() && info.providerRef().isPresent()) {
      // Pix: the provider's id is billing's transaction id.
      p =
          store
              .find(PaymentIds.paymentOf(info.providerRef().get()))
              .filter(found -> found.provider().equals(provider));
    }
    return p;
  }

  private static String text(JsonNode node, String field) {
    JsonNode n = node.path(field);
    return n.isTextual() ? n.asText() : null;
  }
}

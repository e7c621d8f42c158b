package io.squadron.billing.provider.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.ProviderPhase;
import io.squadron.billing.provider.Json;
import io.squadron.billing.provider.PaymentProvider;
import io.squadron.billing.provider.ProviderCapabilities;
import io.squadron.billing.provider.ProviderHttp;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.ProviderToken;
import java.util.Optional;

/**
 * {@code cardpay}: cards with synchronous capture and 3-D Secure (Stripe-like payment intents). The
 * card was tokenized by the client at cardpay's vault ({@code pm_...}); billing only sends the
 * token. A decline is HTTP 402 with the intent inside; a 3-D Secure card answers {@code
 * requires_action} with the challenge URL.
 */
public final class CardPayProvider extends AbstractProvider {
  /** An adapter over {@code http}. */
  public CardPayProvider(ProviderHttp http) {
    super(http, PaymentMethodType.CARD, ProviderCapabilities.basic());
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    String token =
        call.instrument().getCard().getTokensList().stream()
            .filter(t -> t.getProvider().equals(name()))
            .map(ProviderToken::getToken)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no " + name() + " token (routing must not pick it)"));
    ObjectNode body =
        Json.object()
            .put("amount", p.amount())
            .put("currency", p.currency())
            .put("payment_method", token)
            .put("reference", p.attemptReference());
    if (!p.returnUrl().isEmpty()) {
      body.put("return_url", p.returnUrl());
    }
    ProviderHttp.Response r =
        http.post("create", "/v1/payment_intents", PaymentProvider.key(p, "create"), body);
    if (r.ok()) {
      return view(r.body());
    }
    if (r.status() == 402 && r.body().path("error").has("payment_intent")) {
      return view(r.body().path("error").path("payment_intent"));
    }
    return invalid(r.text("error/code"));
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v1/payment_intents/" + ref(p));
    if (!r.ok()) {
      throw rejected(r, "error/code", "error/message");
    }
    return view(r.body());
  }

  @Override
  public Observation cancel(PaymentRecord p) {
    ProviderHttp.Response r =
        http.post(
            "cancel",
            "/v1/payment_intents/" + ref(p) + "/cancel",
            PaymentProvider.key(p, "cancel"),
            Json.object());
    if (!r.ok()) {
      throw rejected(r, "error/code", "error/message");
    }
    return view(r.body());
  }

  @Override
  public String refund(PaymentRecord p, long amount, String refundId) {
    ProviderHttp.Response r =
        http.post(
            "refund",
            "/v1/refunds",
            PaymentProvider.key(p, "refund:" + refundId),
            Json.object().put("payment_intent", ref(p)).put("amount", amount));
    if (!r.ok()) {
      throw rejected(r, "error/code", "error/message");
    }
    return r.text("id");
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    if (!type.startsWith("payment_intent.") && !type.startsWith("charge.")) {
      return Optional.empty();
    }
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "id")),
            Optional.ofNullable(text(object, "reference")),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String id = text(v, "id");
    String status = String.valueOf(text(v, "status"));
    return switch (status) {
      case "succeeded" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(id)
              .captured(number(v, "amount_received"))
              .refunded(number(v, "amount_refunded"))
              .data("charge", text(v, "latest_charge"))
              .build();
      case "requires_action" ->
          Observation.of(ProviderPhase.ACTION_REQUIRED)
              .providerRef(id)
              .nextAction(threeDs(text(v, "next_action/redirect_to_url/url")))
              .build();
      case "requires_payment_method" ->
          failed(ProviderPhase.FAILED, text(v, "last_payment_error/decline_code"), id);
      case "canceled" ->
          failed(
              "abandoned".equals(text(v, "cancellation_reason"))
                  ? ProviderPhase.EXPIRED
                  : ProviderPhase.CANCELED,
              text(v, "cancellation_reason"),
              id);
      default -> Observation.of(ProviderPhase.PENDING).providerRef(id).build();
    };
  }
}

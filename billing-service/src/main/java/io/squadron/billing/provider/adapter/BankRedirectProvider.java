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
import java.util.Optional;
import java.util.Set;

/**
 * {@code bankredirect}: online banking redirect (Mollie-like; iDEAL, Sofort). The payer pays, fails
 * or cancels at their bank; unpaid payments expire after 15 minutes. Its webhook carries only the
 * payment's id, so billing fetches the payment on every callback.
 */
public final class BankRedirectProvider extends AbstractProvider {
  /** An adapter over {@code http}. */
  public BankRedirectProvider(ProviderHttp http) {
    super(
        http,
        PaymentMethodType.BANK_REDIRECT,
        ProviderCapabilities.basic().withCurrencies(Set.of("EUR", "CHF", "PLN")));
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    ObjectNode body = Json.object();
    body.putObject("amount")
        .put("currency", p.currency())
        .put("value", Json.decimal(p.amount(), exponent(p.currency())));
    body.put(
            "description", p.description().isEmpty() ? "Payment " + p.reference() : p.description())
        .put("redirectUrl", p.returnUrl())
        .put("reference", p.attemptReference());
    ProviderHttp.Response r =
        http.post("create", "/v1/payments", PaymentProvider.key(p, "create"), body);
    if (!r.ok()) {
      return invalid(r.text("code"));
    }
    return view(r.body());
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v1/payments/" + ref(p));
    if (!r.ok()) {
      throw rejected(r, "code", "detail");
    }
    return view(r.body());
  }

  @Override
  public String refund(PaymentRecord p, long amount, String refundId) {
    ObjectNode body = Json.object();
    body.putObject("amount")
        .put("currency", p.currency())
        .put("value", Json.decimal(amount, exponent(p.currency())));
    ProviderHttp.Response r =
        http.post(
            "refund",
            "/v1/payments/" + ref(p) + "/refunds",
            PaymentProvider.key(p, "refund:" + refundId),
            body);
    if (!r.ok()) {
      throw rejected(r, "code", "detail");
    }
    return r.text("id");
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    // Only {"id": ...}: the callback says something happened, the payment says what.
    return Optional.of(
        new EventInfo(Optional.ofNullable(text(object, "id")), Optional.empty(), Optional.empty()));
  }

  private Observation view(JsonNode v) {
    String id = text(v, "id");
    String currency = text(v, "amount/currency");
    return switch (String.valueOf(text(v, "status"))) {
      case "open" ->
          Observation.of(ProviderPhase.ACTION_REQUIRED)
              .providerRef(id)
              .nextAction(redirect(text(v, "_links/checkout/href")))
              .expiresAt(Json.instant(v, "expiresAt"))
              .build();
      case "paid" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(id)
              .captured(Json.minorUnits(text(v, "amount/value"), exponent(currency)))
              .refunded(Json.minorUnits(text(v, "amountRefunded/value"), exponent(currency)))
              .build();
      case "failed" -> failed(ProviderPhase.FAILED, text(v, "failureReason"), id);
      case "canceled" -> failed(ProviderPhase.CANCELED, text(v, "failureReason"), id);
      case "expired" -> failed(ProviderPhase.EXPIRED, "expired", id);
      default -> Observation.of(ProviderPhase.PENDING).providerRef(id).build();
    };
  }
}

package io.squadron.billing.provider.adapter;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code carrierbill}: the charge goes on the phone bill. Accepted with 202 {@code pending}; the
 * operator confirms a few seconds later ({@code charged} or {@code failed}, by event). A barred or
 * unknown number, or a charge over the number's monthly cap, is refused at once (402). Refunds are
 * whole.
 */
public final class CarrierBillProvider extends AbstractProvider {
  /** An adapter over {@code http}. */
  public CarrierBillProvider(ProviderHttp http) {
    super(
        http,
        PaymentMethodType.CARRIER_BILLING,
        ProviderCapabilities.basic()
            .withCurrencies(Set.of("EUR", "GBP", "USD", "SEK", "NOK", "DKK", "PLN", "CHF"))
            .withRefunds(ProviderCapabilities.Refunds.FULL));
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    String description = p.description().isEmpty() ? "Payment " + p.reference() : p.description();
    ProviderHttp.Response r =
        http.post(
            "create",
            "/v1/charges",
            PaymentProvider.key(p, "create"),
            Json.object()
                .put("msisdn", call.instrument().getCarrierBilling().getMsisdn())
                .put("amount", p.amount())
                .put("currency", p.currency())
                .put("merchant_ref", p.attemptReference())
                .put(
                    "description",
                    description.length() > 140 ? description.substring(0, 140) : description));
    if (r.status() == 402) {
      return failed(ProviderPhase.FAILED, r.text("error"), null);
    }
    if (!r.ok()) {
      return invalid(r.text("error"));
    }
    return view(r.body());
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v1/charges/" + ref(p));
    if (!r.ok()) {
      throw rejected(r, "error", "error_description");
    }
    return view(r.body());
  }

  @Override
  public String refund(PaymentRecord p, long amount, String refundId) {
    ProviderHttp.Response r =
        http.post(
            "refund",
            "/v1/charges/" + ref(p) + "/refund",
            PaymentProvider.key(p, "refund:" + refundId),
            Json.object());
    if (!r.ok()) {
      throw rejected(r, "error", "error_description");
    }
    return ref(p) + "-refund";
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "charge_id")),
            Optional.ofNullable(text(object, "merchant_ref")),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String id = text(v, "charge_id");
    return switch (String.valueOf(text(v, "status"))) {
      case "charged", "refunded" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(id)
              .captured(number(v, "amount"))
              .build();
      case "failed" -> failed(ProviderPhase.FAILED, text(v, "failure_reason"), id);
      default -> Observation.of(ProviderPhase.PENDING).providerRef(id).build();
    };
  }
}

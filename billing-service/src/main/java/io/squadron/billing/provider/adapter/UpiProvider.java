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
 * {@code upi}: a UPI collect request (India). The payer approves with the UPI PIN on the phone
 * before it expires ({@value #EXPIRY_MINUTES} minutes), declines, or lets it expire. Looked up by
 * billing's own transaction id (the attempt reference), so billing can poll it even when the
 * creating call's answer was lost.
 */
public final class UpiProvider extends AbstractProvider {
  static final int EXPIRY_MINUTES = 5;

  /** An adapter over {@code http}. */
  public UpiProvider(ProviderHttp http) {
    super(
        http,
        PaymentMethodType.UPI,
        ProviderCapabilities.basic()
            .withCurrencies(Set.of("INR"))
            .withRefunds(ProviderCapabilities.Refunds.NONE));
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    ProviderHttp.Response r =
        http.post(
            "create",
            "/v1/collect",
            PaymentProvider.key(p, "create"),
            Json.object()
                .put("merchantTranId", p.attemptReference())
                .put("payerVpa", call.instrument().getUpi().getVpa())
                .put("amount", Json.decimal(p.amount(), exponent(p.currency())))
                .put("currency", p.currency())
                .put("expiryMinutes", EXPIRY_MINUTES));
    if (r.status() == 409) {
      return fetch(p);
    }
    if (!r.ok()) {
      return invalid(r.text("response"));
    }
    return view(r.body());
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v1/transactions/" + p.attemptReference());
    if (!r.ok()) {
      throw rejected(r, "response", "message");
    }
    return view(r.body());
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "upiTxnId")),
            Optional.ofNullable(text(object, "merchantTranId")),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String id = text(v, "upiTxnId");
    return switch (String.valueOf(text(v, "status"))) {
      case "PENDING" ->
          Observation.of(ProviderPhase.ACTION_REQUIRED)
              .providerRef(id)
              .nextAction(
                  approveOnDevice("Approve the collect request in your UPI app with your UPI PIN."))
              .expiresAt(Json.instant(v, "expiresAt"))
              .build();
      case "SUCCESS" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(id)
              .captured(Json.minorUnits(text(v, "amount"), 2))
              .data("rrn", text(v, "bankRRN"))
              .build();
      case "EXPIRED" -> failed(ProviderPhase.EXPIRED, text(v, "responseCode"), id);
      default -> failed(ProviderPhase.FAILED, text(v, "responseCode"), id);
    };
  }
}

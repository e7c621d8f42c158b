package io.squadron.billing.provider.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.ProviderPhase;
import io.squadron.billing.provider.Json;
import io.squadron.billing.provider.PaymentProvider;
import io.squadron.billing.provider.ProviderCapabilities;
import io.squadron.billing.provider.ProviderHttp;
import io.squadron.proto.billing.v1.GiftCardDetails;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.util.Optional;

/**
 * {@code giftcard}: stored-value gift cards. A redemption takes the amount, or with {@code
 * allow_partial} as much as the card holds (split tender: the payment succeeds with {@code
 * amount_captured} below {@code amount} and the caller pays the rest with another method). A refund
 * reverses the whole redemption (the balance is restored), which is how a split tender whose other
 * part failed is undone.
 */
public final class GiftCardProvider extends AbstractProvider {
  /** An adapter over {@code http}. */
  public GiftCardProvider(ProviderHttp http) {
    super(
        http,
        PaymentMethodType.GIFT_CARD,
        ProviderCapabilities.basic()
            .withRefunds(ProviderCapabilities.Refunds.FULL)
            .withPartialAmount());
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    GiftCardDetails card = call.instrument().getGiftCard();
    ProviderHttp.Response r =
        http.post(
            "create",
            "/v1/redemptions",
            PaymentProvider.key(p, "create"),
            Json.object()
                .put("code", card.getCode())
                .put("amount", p.amount())
                .put("currency", p.currency())
                .put("reference", p.attemptReference())
                .put("allow_partial", card.getAllowPartial()));
    if (r.status() == 402) {
      return failed(ProviderPhase.FAILED, r.text("error/code"), r.text("error/redemption_id"));
    }
    if (r.status() == 404) {
      return failed(ProviderPhase.FAILED, "card_not_found", null);
    }
    if (!r.ok()) {
      return invalid(r.text("error/code"));
    }
    return view(r.body());
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v1/redemptions/" + ref(p));
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
            "/v1/redemptions/" + ref(p) + "/reverse",
            PaymentProvider.key(p, "reverse"),
            Json.object());
    if (!r.ok()) {
      throw rejected(r, "error/code", "error/message");
    }
    return ref(p) + "-rev";
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "redemption_id")),
            Optional.ofNullable(text(object, "reference")),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String id = text(v, "redemption_id");
    return switch (String.valueOf(text(v, "status"))) {
      case "completed", "reversed" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(id)
              .captured(number(v, "redeemed_amount"))
              .build();
      case "declined" -> failed(ProviderPhase.FAILED, text(v, "decline_code"), id);
      default -> Observation.of(ProviderPhase.PENDING).providerRef(id).build();
    };
  }
}

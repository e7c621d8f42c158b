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
import io.squadron.proto.billing.v1.TapWalletDetails;
import java.util.Optional;

/**
 * {@code tapwallet}: a device wallet token (Apple-Pay-like) through a processor. Synchronous:
 * {@code captured} or {@code declined}, both HTTP 200. Tokens are one-time: a repeated request with
 * the same idempotency key replays the first outcome, a new request with a used token is refused
 * ({@code token_already_used}).
 */
public final class TapWalletProvider extends AbstractProvider {
  /** An adapter over {@code http}. */
  public TapWalletProvider(ProviderHttp http) {
    super(http, PaymentMethodType.TAPWALLET, ProviderCapabilities.basic());
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    TapWalletDetails token = call.instrument().getTapwallet();
    ObjectNode body =
        Json.object()
            .put("merchant_reference", p.attemptReference())
            .put("amount", p.amount())
            .put("currency", p.currency());
    ObjectNode t = body.putObject("payment_token").put("paymentData", token.getPaymentData());
    if (!token.getTransactionIdentifier().isEmpty()) {
      t.put("transactionIdentifier", token.getTransactionIdentifier());
    }
    ProviderHttp.Response r =
        http.post("create", "/v1/payments", PaymentProvider.key(p, "create"), body);
    if (!r.ok()) {
      return invalid(r.text("error/code"));
    }
    return view(r.body());
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v1/payments/" + ref(p));
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
            "/v1/payments/" + ref(p) + "/refunds",
            PaymentProvider.key(p, "refund:" + refundId),
            Json.object().put("amount", amount));
    if (!r.ok()) {
      throw rejected(r, "error/code", "error/message");
    }
    return r.text("id");
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "id")),
            Optional.ofNullable(text(object, "merchant_reference")),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String id = text(v, "id");
    return switch (String.valueOf(text(v, "status"))) {
      case "captured", "refunded" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(id)
              .captured(number(v, "amount"))
              .refunded(number(v, "refunded_amount"))
              .build();
      case "declined" -> failed(ProviderPhase.FAILED, text(v, "decline_reason"), id);
      default -> Observation.of(ProviderPhase.PENDING).providerRef(id).build();
    };
  }
}

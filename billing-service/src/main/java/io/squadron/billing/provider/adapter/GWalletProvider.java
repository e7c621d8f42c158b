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
import io.squadron.proto.billing.v1.GWalletDetails;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.math.BigInteger;
import java.util.Optional;

/**
 * {@code gwallet}: a device wallet token (Google-Pay-like) through a gateway, with Google's API
 * conventions (money as units and nanos, custom methods such as {@code :refund}, errors as {@code
 * google.rpc.Status}). A {@code PAN_ONLY} token of a 3-D Secure card needs the payer's challenge
 * ({@code PENDING_AUTHENTICATION}).
 */
public final class GWalletProvider extends AbstractProvider {
  /** An adapter over {@code http}. */
  public GWalletProvider(ProviderHttp http) {
    super(http, PaymentMethodType.GWALLET, ProviderCapabilities.basic());
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    GWalletDetails token = call.instrument().getGwallet();
    ObjectNode body = Json.object().put("orderId", p.attemptReference());
    body.set("amount", money(p.amount(), p.currency()));
    body.putObject("paymentMethodData")
        .put("type", "CARD")
        .putObject("tokenizationData")
        .put(
            "type",
            token.getTokenizationType().isEmpty() ? "PAYMENT_GATEWAY" : token.getTokenizationType())
        .put("token", token.getToken());
    ProviderHttp.Response r =
        http.post("create", "/v1/charges", PaymentProvider.key(p, "create"), body);
    if (!r.ok()) {
      return invalid(r.text("error/details/0/reason"));
    }
    return view(r.body());
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v1/charges/" + ref(p));
    if (!r.ok()) {
      throw rejected(r, "error/details/0/reason", "error/message");
    }
    return view(r.body());
  }

  @Override
  public String refund(PaymentRecord p, long amount, String refundId) {
    ProviderHttp.Response r =
        http.post(
            "refund",
            "/v1/charges/" + ref(p) + ":refund",
            PaymentProvider.key(p, "refund:" + refundId),
            Json.object().set("amount", money(amount, p.currency())));
    if (!r.ok()) {
      throw rejected(r, "error/details/0/reason", "error/message");
    }
    return r.text("refundId");
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "chargeId")),
            Optional.ofNullable(text(object, "orderId")),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String id = text(v, "chargeId");
    return switch (String.valueOf(text(v, "state"))) {
      case "SUCCEEDED" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(id)
              .captured(minor(v.path("amount")))
              .refunded(minor(v.path("refundedAmount")))
              .build();
      case "DECLINED" -> failed(ProviderPhase.FAILED, text(v, "declineReason"), id);
      case "PENDING_AUTHENTICATION" ->
          Observation.of(ProviderPhase.ACTION_REQUIRED)
              .providerRef(id)
              .nextAction(threeDs(text(v, "authenticationUrl")))
              .build();
      default -> Observation.of(ProviderPhase.PENDING).providerRef(id).build();
    };
  }

  private static ObjectNode money(long minor, String currency) {
    int exponent = exponent(currency);
    long scale = BigInteger.TEN.pow(exponent).longValueExact();
    return Json.object()
        .put("currencyCode", currency)
        .put("units", Long.toString(minor / scale))
        .put("nanos", (minor % scale) * BigInteger.TEN.pow(9 - exponent).longValueExact());
  }

  private static long minor(JsonNode money) {
    String currency = text(money, "currencyCode");
    String units = text(money, "units");
    if (currency == null || units == null) {
      return Observation.UNKNOWN;
    }
    int exponent = exponent(currency);
    return Long.parseLong(units) * BigInteger.TEN.pow(exponent).longValueExact()
        + money.path("nanos").asLong() / BigInteger.TEN.pow(9 - exponent).longValueExact();
  }
}

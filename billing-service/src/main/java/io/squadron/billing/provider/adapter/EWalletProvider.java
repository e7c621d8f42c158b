package io.squadron.billing.provider.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.ProviderPhase;
import io.squadron.billing.provider.Json;
import io.squadron.billing.provider.PaymentProvider;
import io.squadron.billing.provider.ProviderCapabilities;
import io.squadron.billing.provider.ProviderHttp;
import io.squadron.billing.provider.ProviderRejectedException;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code ewallet}: a redirect e-wallet (Alipay+-like). Every answer carries {@code
 * result.resultStatus}: {@code S} success, {@code F} failure (business errors come with HTTP 200),
 * {@code U} unknown or in process. Inquiry and cancel go by billing's own request id (the attempt
 * reference). Unconfirmed payments close after 14 minutes.
 */
public final class EWalletProvider extends AbstractProvider {
  private static final Duration TTL = Duration.ofMinutes(14);

  /** An adapter over {@code http}. */
  public EWalletProvider(ProviderHttp http) {
    super(http, PaymentMethodType.EWALLET, ProviderCapabilities.basic());
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    var body =
        Json.object()
            .put("paymentRequestId", p.attemptReference())
            .put("paymentRedirectUrl", p.returnUrl());
    body.putObject("paymentAmount")
        .put("currency", p.currency())
        .put("value", Long.toString(p.amount()));
    ProviderHttp.Response r =
        http.post("create", "/v1/payments/pay", PaymentProvider.key(p, "create"), body);
    String status = r.text("result/resultStatus");
    if ("F".equals(status)) {
      return "REPEAT_REQ_INCONSISTENT".equals(r.text("result/resultCode"))
          ? fetch(p)
          : invalid(r.text("result/resultCode"));
    }
    if (!r.ok()) {
      return invalid(r.text("result/resultCode"));
    }
    return Observation.of(ProviderPhase.ACTION_REQUIRED)
        .providerRef(r.text("paymentId"))
        .nextAction(redirect(r.text("normalUrl")))
        .expiresAt(p.createdAt().plus(TTL))
        .build();
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r =
        http.postRead(
            "fetch",
            "/v1/payments/inquiryPayment",
            Json.object().put("paymentRequestId", p.attemptReference()));
    if (!"S".equals(r.text("result/resultStatus"))) {
      throw rejected(r, "result/resultCode", "result/resultMessage");
    }
    return view(r.body(), p.nextAction().orElse(null));
  }

  @Override
  public Observation cancel(PaymentRecord p) {
    ProviderHttp.Response r =
        http.post(
            "cancel",
            "/v1/payments/cancel",
            PaymentProvider.key(p, "cancel"),
            Json.object().put("paymentRequestId", p.attemptReference()));
    if (!"S".equals(r.text("result/resultStatus"))) {
      throw rejected(r, "result/resultCode", "result/resultMessage");
    }
    return failed(ProviderPhase.CANCELED, "ORDER_IS_CANCELED", r.text("paymentId"));
  }

  @Override
  public String refund(PaymentRecord p, long amount, String refundId) {
    var body = Json.object().put("refundRequestId", refundId).put("paymentId", ref(p));
    body.putObject("refundAmount")
        .put("currency", p.currency())
        .put("value", Long.toString(amount));
    ProviderHttp.Response r =
        http.post(
            "refund", "/v1/payments/refund", PaymentProvider.key(p, "refund:" + refundId), body);
    if (!"S".equals(r.text("result/resultStatus"))) {
      throw new ProviderRejectedException(
          name(),
          String.valueOf(r.text("result/resultCode")),
          String.valueOf(r.text("result/resultMessage")));
    }
    return r.text("refundId");
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    if (!type.equals("notifyPayment")) {
      return Optional.of(
          new EventInfo(
              Optional.ofNullable(text(object, "paymentId")),
              Optional.ofNullable(text(object, "paymentRequestId")),
              Optional.empty()));
    }
    String id = text(object, "paymentId");
    String code = text(object, "result/resultCode");
    Observation o =
        "S".equals(text(object, "result/resultStatus"))
            ? Observation.of(ProviderPhase.SUCCEEDED)
                .providerRef(id)
                .captured(number(object, "paymentAmount/value"))
                .build()
            : closed(code, id);
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(id),
            Optional.ofNullable(text(object, "paymentRequestId")),
            Optional.of(o)));
  }

  private static Observation closed(String code, String id) {
    ProviderPhase phase =
        "ORDER_IS_CLOSED".equals(code)
            ? ProviderPhase.EXPIRED
            : "ORDER_IS_CANCELED".equals(code) ? ProviderPhase.CANCELED : ProviderPhase.FAILED;
    return failed(phase, code, id);
  }

  private Observation view(JsonNode v, io.squadron.proto.billing.v1.NextAction action) {
    String id = text(v, "paymentId");
    return switch (String.valueOf(text(v, "paymentStatus"))) {
      case "PROCESSING" ->
          Observation.of(ProviderPhase.ACTION_REQUIRED).providerRef(id).nextAction(action).build();
      case "SUCCESS" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(id)
              .captured(number(v, "paymentAmount/value"))
              .build();
      default -> closed(text(v, "paymentResult/resultCode"), id);
    };
  }
}

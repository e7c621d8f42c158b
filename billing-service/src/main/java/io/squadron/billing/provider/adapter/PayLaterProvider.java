package io.squadron.billing.provider.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.billing.payment.FollowUp;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.PaymentState;
import io.squadron.billing.payment.ProviderPhase;
import io.squadron.billing.provider.Json;
import io.squadron.billing.provider.OperationNotSupportedException;
import io.squadron.billing.provider.PaymentProvider;
import io.squadron.billing.provider.ProviderCapabilities;
import io.squadron.billing.provider.ProviderHttp;
import io.squadron.proto.billing.v1.CaptureMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.util.Optional;

/**
 * {@code paylater}: buy now, pay later (Klarna-like). Billing opens a session; the payer goes
 * through the credit check at the provider; an approval carries a one-time authorization token,
 * which billing turns into an order (the follow-up), captured at once for automatic capture or
 * later (whole) for manual capture.
 */
public final class PayLaterProvider extends AbstractProvider {
  /** An adapter over {@code http}. */
  public PayLaterProvider(ProviderHttp http) {
    super(http, PaymentMethodType.PAYLATER, ProviderCapabilities.basic().withManualCapture(false));
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    ObjectNode body =
        Json.object()
            .put("purchase_country", p.country())
            .put("purchase_currency", p.currency())
            .put("order_amount", p.amount())
            .put("merchant_reference", p.attemptReference());
    String email = call.instrument().getPaylater().getEmail();
    if (!email.isEmpty()) {
      body.putObject("customer").put("email", email);
    }
    ProviderHttp.Response r =
        http.post("create", "/v1/sessions", PaymentProvider.key(p, "create"), body);
    if (!r.ok()) {
      return invalid(r.text("error_code"));
    }
    return view(r.body());
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v1/sessions/" + ref(p));
    if (!r.ok()) {
      throw rejected(r, "error_code", "error_messages/0");
    }
    return view(r.body());
  }

  @Override
  public Observation followUp(PaymentRecord p, FollowUp followUp) {
    if (followUp != FollowUp.PLACE_ORDER) {
      throw new OperationNotSupportedException(name(), "follow-up " + followUp);
    }
    String token = p.providerData().get("authorization_token");
    if (token == null) {
      return fetch(p);
    }
    ProviderHttp.Response r =
        http.post(
            "order",
            "/v1/authorizations/" + token + "/order",
            PaymentProvider.key(p, "order"),
            Json.object()
                .put("order_amount", p.amount())
                .put("merchant_reference", p.attemptReference())
                .put("auto_capture", p.captureMethod() != CaptureMethod.MANUAL));
    if (!r.ok() && r.status() != 409 && r.status() != 410) {
      throw rejected(r, "error_code", "error_messages/0");
    }
    // The order's outcome (or an expired or used token) shows in the session.
    return fetch(p);
  }

  @Override
  public Observation capture(PaymentRecord p, long amount) {
    if (amount != p.amount()) {
      throw new OperationNotSupportedException(name(), "partial captures");
    }
    String order = p.providerData().get("order");
    if (order == null) {
      throw new IllegalStateException("payment " + p.id() + " has no pay later order");
    }
    ProviderHttp.Response r =
        http.post(
            "capture",
            "/v1/orders/" + order + "/captures",
            PaymentProvider.key(p, "capture"),
            Json.object().put("captured_amount", amount));
    if (!r.ok()) {
      throw rejected(r, "error_code", "error_messages/0");
    }
    return fetch(p);
  }

  @Override
  public Observation cancel(PaymentRecord p) {
    if (p.state() != PaymentState.REQUIRES_ACTION) {
      throw new OperationNotSupportedException(name(), "cancelling a payment that is " + p.state());
    }
    // No call: a session that billing never turns into an order takes no money and expires.
    return Observation.of(ProviderPhase.CANCELED).build();
  }

  @Override
  public String refund(PaymentRecord p, long amount, String refundId) {
    String order = p.providerData().get("order");
    ProviderHttp.Response r =
        http.post(
            "refund",
            "/v1/orders/" + order + "/refunds",
            PaymentProvider.key(p, "refund:" + refundId),
            Json.object().put("refunded_amount", amount));
    if (!r.ok()) {
      throw rejected(r, "error_code", "error_messages/0");
    }
    return r.text("refund_id");
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "session_id")),
            Optional.ofNullable(text(object, "merchant_reference")),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String id = text(v, "session_id");
    String order = text(v, "order_id");
    return switch (String.valueOf(text(v, "status"))) {
      case "pending" ->
          Observation.of(ProviderPhase.ACTION_REQUIRED)
              .providerRef(id)
              .nextAction(redirect(text(v, "redirect_url")))
              .expiresAt(Json.instant(v, "expires_at"))
              .build();
      case "approved" ->
          order != null
              ? Observation.of(ProviderPhase.PENDING).providerRef(id).data("order", order).build()
              : Observation.of(ProviderPhase.APPROVED)
                  .providerRef(id)
                  .followUp(FollowUp.PLACE_ORDER)
                  .data("authorization_token", text(v, "authorization_token"))
                  .build();
      case "authorized" ->
          Observation.of(ProviderPhase.AUTHORIZED)
              .providerRef(id)
              .data("order", order)
              .authorized(number(v, "order_amount"))
              .build();
      case "captured", "refunded" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(id)
              .data("order", order)
              .captured(number(v, "captured_amount"))
              .refunded(number(v, "refunded_amount"))
              .build();
      case "declined" -> failed(ProviderPhase.FAILED, text(v, "decline_reason"), id);
      case "expired" -> failed(ProviderPhase.EXPIRED, text(v, "decline_reason"), id);
      default -> Observation.of(ProviderPhase.PENDING).providerRef(id).build();
    };
  }
}

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
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code paywallet}: a redirect wallet (PayPal Orders v2-like, decimal amounts). The order waits
 * for the payer's approval ({@code payer-action} link); once approved, billing captures it (the
 * follow-up, or CapturePayment for a manual capture); a declined funding instrument voids it at
 * capture. There is no cancel call: an order billing never captures takes no money and voids itself
 * after 3 hours, so billing cancels on its side.
 */
public final class PayWalletProvider extends AbstractProvider {
  private static final Duration ORDER_TTL = Duration.ofHours(3);

  /** An adapter over {@code http}. */
  public PayWalletProvider(ProviderHttp http) {
    super(http, PaymentMethodType.PAYWALLET, ProviderCapabilities.basic().withManualCapture(false));
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    ObjectNode body = Json.object().put("intent", "CAPTURE");
    ObjectNode unit =
        body.putArray("purchase_units").addObject().put("reference_id", p.attemptReference());
    unit.putObject("amount")
        .put("currency_code", p.currency())
        .put("value", Json.decimal(p.amount(), exponent(p.currency())));
    if (!p.returnUrl().isEmpty()) {
      body.putObject("application_context").put("return_url", p.returnUrl());
    }
    ProviderHttp.Response r =
        http.post("create", "/v2/checkout/orders", PaymentProvider.key(p, "create"), body);
    if (!r.ok()) {
      return invalid(r.text("details/0/issue"));
    }
    Observation o = view(r.body());
    return Observation.of(o.phase())
        .providerRef(o.providerRef().orElse(null))
        .nextAction(o.nextAction().orElse(null))
        .expiresAt(p.createdAt().plus(ORDER_TTL))
        .build();
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v2/checkout/orders/" + ref(p));
    if (!r.ok()) {
      throw rejected(r, "details/0/issue", "message");
    }
    return view(r.body());
  }

  @Override
  public Observation followUp(PaymentRecord p, FollowUp followUp) {
    if (followUp != FollowUp.CAPTURE) {
      throw new OperationNotSupportedException(name(), "follow-up " + followUp);
    }
    return capture(p, p.amount());
  }

  @Override
  public Observation capture(PaymentRecord p, long amount) {
    if (amount != p.amount()) {
      throw new OperationNotSupportedException(name(), "partial captures");
    }
    ProviderHttp.Response r =
        http.post(
            "capture",
            "/v2/checkout/orders/" + ref(p) + "/capture",
            PaymentProvider.key(p, "capture"),
            Json.object());
    if (r.ok()) {
      return view(r.body());
    }
    String issue = r.text("details/0/issue");
    if ("ORDER_ALREADY_CAPTURED".equals(issue)) {
      return fetch(p);
    }
    if (r.status() == 422 && !"ORDER_NOT_APPROVED".equals(issue)) {
      return failed(ProviderPhase.FAILED, issue, ref(p));
    }
    throw rejected(r, "details/0/issue", "message");
  }

  @Override
  public Observation cancel(PaymentRecord p) {
    if (p.state() != PaymentState.REQUIRES_ACTION && p.state() != PaymentState.REQUIRES_CAPTURE) {
      throw new OperationNotSupportedException(name(), "cancelling a payment that is " + p.state());
    }
    // No call: an order that is never captured takes no money and voids itself.
    return Observation.of(ProviderPhase.CANCELED).build();
  }

  @Override
  public String refund(PaymentRecord p, long amount, String refundId) {
    String capture = p.providerData().get("capture");
    if (capture == null) {
      capture =
          Optional.ofNullable(text(fetchBody(p), "purchase_units/0/payments/captures/0/id"))
              .orElseThrow(() -> new IllegalStateException("order " + ref(p) + " has no capture"));
    }
    ObjectNode body = Json.object();
    body.putObject("amount")
        .put("currency_code", p.currency())
        .put("value", Json.decimal(amount, exponent(p.currency())));
    ProviderHttp.Response r =
        http.post(
            "refund",
            "/v2/payments/captures/" + capture + "/refund",
            PaymentProvider.key(p, "refund:" + refundId),
            body);
    if (!r.ok()) {
      throw rejected(r, "details/0/issue", "message");
    }
    return r.text("id");
  }

  private JsonNode fetchBody(PaymentRecord p) {
    return http.get("fetch", "/v2/checkout/orders/" + ref(p)).body();
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    if (type.startsWith("CHECKOUT.ORDER.")) {
      return Optional.of(
          new EventInfo(
              Optional.ofNullable(text(object, "id")),
              Optional.ofNullable(text(object, "purchase_units/0/reference_id")),
              Optional.of(view(object))));
    }
    if (type.startsWith("PAYMENT.CAPTURE.")) {
      String order = text(object, "supplementary_data/related_ids/order_id");
      String status = String.valueOf(text(object, "status"));
      Observation o =
          switch (status) {
            case "COMPLETED", "REFUNDED", "PARTIALLY_REFUNDED" ->
                Observation.of(ProviderPhase.SUCCEEDED)
                    .providerRef(order)
                    .captured(
                        Json.minorUnits(
                            text(object, "amount/value"),
                            exponent(text(object, "amount/currency_code"))))
                    .data("capture", text(object, "id"))
                    .build();
            default ->
                failed(
                    ProviderPhase.FAILED,
                    Optional.ofNullable(text(object, "status_details/reason"))
                        .orElse("INSTRUMENT_DECLINED"),
                    order);
          };
      return Optional.of(
          new EventInfo(
              Optional.ofNullable(order),
              Optional.ofNullable(text(object, "custom_id")),
              Optional.of(o)));
    }
    return Optional.empty();
  }

  private Observation view(JsonNode v) {
    String id = text(v, "id");
    String status = String.valueOf(text(v, "status"));
    return switch (status) {
      case "PAYER_ACTION_REQUIRED" -> {
        String url = null;
        for (JsonNode link : v.path("links")) {
          if ("payer-action".equals(text(link, "rel"))) {
            url = text(link, "href");
          }
        }
        yield Observation.of(ProviderPhase.ACTION_REQUIRED)
            .providerRef(id)
            .nextAction(redirect(url))
            .build();
      }
      case "APPROVED" ->
          Observation.of(ProviderPhase.APPROVED).providerRef(id).followUp(FollowUp.CAPTURE).build();
      case "COMPLETED" -> {
        String currency = text(v, "purchase_units/0/amount/currency_code");
        yield Observation.of(ProviderPhase.SUCCEEDED)
            .providerRef(id)
            .captured(Json.minorUnits(text(v, "purchase_units/0/amount/value"), exponent(currency)))
            .data("capture", text(v, "purchase_units/0/payments/captures/0/id"))
            .build();
      }
      case "VOIDED" -> {
        String reason = text(v, "status_reason");
        ProviderPhase phase =
            "PAYER_CANCELLED".equals(reason)
                ? ProviderPhase.CANCELED
                : "ORDER_EXPIRED".equals(reason) ? ProviderPhase.EXPIRED : ProviderPhase.FAILED;
        yield failed(phase, reason, id);
      }
      default -> Observation.of(ProviderPhase.PENDING).providerRef(id).build();
    };
  }
}

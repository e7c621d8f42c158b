package io.squadron.billing.provider.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.billing.payment.FollowUp;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.ProviderPhase;
import io.squadron.billing.provider.Json;
import io.squadron.billing.provider.OperationNotSupportedException;
import io.squadron.billing.provider.PaymentProvider;
import io.squadron.billing.provider.ProviderCapabilities;
import io.squadron.billing.provider.ProviderHttp;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.ProviderToken;
import java.util.Optional;

/**
 * {@code acquirex}: cards, authorise then capture (Adyen-like). A refusal is an HTTP 200 with
 * {@code resultCode Refused}; an authorisation expires after 7 days; a capture (at most the
 * authorised amount, once) is confirmed by a {@code CAPTURE} event a minute later. Automatic
 * capture is billing's follow-up right after the authorisation.
 */
public final class AcquireXProvider extends AbstractProvider {
  /** An adapter over {@code http}. */
  public AcquireXProvider(ProviderHttp http) {
    super(http, PaymentMethodType.CARD, ProviderCapabilities.basic().withManualCapture(true));
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
    ObjectNode body = Json.object().put("merchantReference", p.attemptReference());
    body.set("amount", money(p.amount(), p.currency()));
    body.putObject("paymentMethod").put("recurringDetailReference", token);
    ProviderHttp.Response r =
        http.post("create", "/v2/authorisations", PaymentProvider.key(p, "create"), body);
    if (!r.ok()) {
      return invalid(r.text("errorCode"));
    }
    return view(r.body());
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v2/authorisations/" + ref(p));
    if (!r.ok()) {
      throw rejected(r, "errorCode", "message");
    }
    return view(r.body());
  }

  @Override
  public Observation followUp(PaymentRecord p, FollowUp followUp) {
    if (followUp != FollowUp.CAPTURE) {
      throw new OperationNotSupportedException(name(), "follow-up " + followUp);
    }
    return capture(p, p.authorized() > 0 ? p.authorized() : p.amount());
  }

  @Override
  public Observation capture(PaymentRecord p, long amount) {
    ProviderHttp.Response r =
        http.post(
            "capture",
            "/v2/authorisations/" + ref(p) + "/captures",
            PaymentProvider.key(p, "capture"),
            Json.object().set("amount", money(amount, p.currency())));
    if (!r.ok()) {
      if ("authorisation_expired".equals(r.text("errorCode"))) {
        return failed(ProviderPhase.EXPIRED, "authorisation_expired", ref(p));
      }
      throw rejected(r, "errorCode", "message");
    }
    return Observation.of(ProviderPhase.CAPTURE_PENDING)
        .providerRef(ref(p))
        .data("capture", r.text("pspReference"))
        .build();
  }

  @Override
  public Observation cancel(PaymentRecord p) {
    ProviderHttp.Response r =
        http.post(
            "cancel",
            "/v2/authorisations/" + ref(p) + "/cancels",
            PaymentProvider.key(p, "cancel"),
            Json.object());
    if (!r.ok()) {
      throw rejected(r, "errorCode", "message");
    }
    return Observation.of(ProviderPhase.CANCELED).providerRef(ref(p)).build();
  }

  @Override
  public String refund(PaymentRecord p, long amount, String refundId) {
    ProviderHttp.Response r =
        http.post(
            "refund",
            "/v2/authorisations/" + ref(p) + "/refunds",
            PaymentProvider.key(p, "refund:" + refundId),
            Json.object().set("amount", money(amount, p.currency())));
    if (!r.ok()) {
      throw rejected(r, "errorCode", "message");
    }
    return r.text("pspReference");
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "pspReference")),
            Optional.ofNullable(text(object, "merchantReference")),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String psp = text(v, "pspReference");
    String status = String.valueOf(text(v, "status"));
    long captured = number(v, "capturedAmount/value");
    long refunded = number(v, "refundedAmount/value");
    return switch (status) {
      case "AUTHORISED" ->
          Observation.of(ProviderPhase.AUTHORIZED)
              .providerRef(psp)
              .authorized(number(v, "amount/value"))
              .expiresAt(Json.instant(v, "expiresAt"))
              .build();
      case "CAPTURE_PENDING" ->
          Observation.of(ProviderPhase.CAPTURE_PENDING).providerRef(psp).build();
      case "CAPTURED", "PARTIALLY_REFUNDED", "REFUNDED" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(psp)
              .captured(captured)
              .refunded(refunded)
              .build();
      case "CAPTURE_FAILED" -> failed(ProviderPhase.FAILED, text(v, "captureFailureCode"), psp);
      case "CANCELLED" -> Observation.of(ProviderPhase.CANCELED).providerRef(psp).build();
      case "EXPIRED" -> failed(ProviderPhase.EXPIRED, "authorisation_expired", psp);
      case "REFUSED" -> failed(ProviderPhase.FAILED, text(v, "refusalCode"), psp);
      default -> Observation.of(ProviderPhase.PENDING).providerRef(psp).build();
    };
  }

  private static ObjectNode money(long value, String currency) {
    return Json.object().put("value", value).put("currency", currency);
  }
}

package io.squadron.providers.sim.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.core.Money;
import io.squadron.providers.sim.core.Payment;
import io.squadron.providers.sim.core.Phase;
import io.squadron.providers.sim.core.Record;
import io.squadron.providers.sim.http.ApiError;
import io.squadron.providers.sim.http.ApiRequest;
import io.squadron.providers.sim.http.ApiResponse;
import io.squadron.providers.sim.http.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code acquirex}: cards, authorize then capture, shaped like Adyen's classic API. An
 * authorisation answers 200 with {@code resultCode} {@code Authorised} or {@code Refused} (a
 * refusal is not an HTTP error here) and expires after 7 simulated days; a capture (at most the
 * authorised amount, once) is only {@code received} and confirmed asynchronously by a {@code
 * CAPTURE} event 60 simulated seconds later. No 3-D Secure: cards that need it are refused ({@code
 * 3d_not_authenticated}).
 */
public final class AcquireX extends Provider {
  static final long AUTH_VALIDITY_MS = 7L * 86_400_000;
  private static final long CAPTURE_DELAY_MS = 60_000;
  private static final Map<String, String[]> REASONS =
      Map.of(
          "refused", new String[] {"2", "Refused"},
          "acquirer_error", new String[] {"4", "Acquirer Error"},
          "expired_card", new String[] {"6", "Expired Card"},
          "3d_not_authenticated", new String[] {"11", "3D Not Authenticated"},
          "not_enough_balance", new String[] {"12", "Not enough balance"},
          "fraud", new String[] {"20", "FRAUD"},
          "cvc_declined", new String[] {"24", "CVC Declined"});
  private static final List<String> CODES =
      List.of(
          "refused",
          "not_enough_balance",
          "expired_card",
          "cvc_declined",
          "fraud",
          "acquirer_error",
          "3d_not_authenticated");

  /** The provider. */
  public AcquireX() {
    super(
        "acquirex",
        "AcquireX",
        "card (authorise, then capture; 7-day authorisation)",
        new Fees(120, 10, 1500));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v2/vault/cards", this::vault)
        .post("/v2/authorisations", this::authorise)
        .get(
            "/v2/authorisations/{psp}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("psp"), "authorisation"))))
        .post("/v2/authorisations/{psp}/captures", this::capture)
        .post("/v2/authorisations/{psp}/cancels", this::cancel)
        .post("/v2/authorisations/{psp}/refunds", this::refund);
  }

  private ApiResponse vault(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String number = Json.requiredString(b, "cardNumber", "cardNumber", 23);
    long month = Json.requiredLong(b, "expiryMonth", "expiryMonth", Long.MIN_VALUE, Long.MAX_VALUE);
    long year = Json.requiredLong(b, "expiryYear", "expiryYear", Long.MIN_VALUE, Long.MAX_VALUE);
    String cvc = Json.optionalString(b, "cvc", "cvc", 4);
    Record card =
        CardVault.store(
            ctx,
            ctx.keyedId("vt_", "card"),
            number,
            month,
            year,
            cvc,
            new String[] {"cardNumber", "expiryMonth", "expiryYear", "cvc"});
    ObjectNode out = Json.object().put("recurringDetailReference", card.id);
    out.putObject("card")
        .put("brand", card.get("brand"))
        .put("lastFour", card.get("last4"))
        .put("expiryMonth", card.get("exp_month"))
        .put("expiryYear", card.get("exp_year"));
    return ApiResponse.ok(out);
  }

  private static long[] amount(ObjectNode parent, String field) {
    ObjectNode a = Json.requiredObject(parent, field, field);
    long value =
        Money.amount(
            Json.requiredLong(a, "value", field + ".value", 1, Money.MAX_MINOR), field + ".value");
    return new long[] {value};
  }

  private static String currency(ObjectNode parent, String field) {
    return Money.currency(
        Json.requiredString(
            Json.requiredObject(parent, field, field), "currency", field + ".currency", 3),
        field + ".currency");
  }

  private ApiResponse authorise(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String reference = Json.requiredString(b, "merchantReference", "merchantReference", 80);
    long value = amount(b, "amount")[0];
    String currency = currency(b, "amount");
    ObjectNode pm = Json.requiredObject(b, "paymentMethod", "paymentMethod");
    String token =
        Json.requiredString(
            pm, "recurringDetailReference", "paymentMethod.recurringDetailReference", 64);
    Record card = CardVault.find(ctx, token, "paymentMethod.recurringDetailReference");
    Payment p =
        ctx.newPayment(
            ctx.keyedId("AX", "authorisation").toUpperCase(),
            reference,
            value,
            currency,
            "RECEIVED",
            Phase.PENDING);
    p.attrs.put("card_token", token);
    p.attrs.put("last4", card.get("last4"));
    TestCards.Outcome outcome = CardVault.outcome(card, ctx.now());
    String code = ctx.injectedDecline(p.id, "authorise");
    if (code == null && outcome != TestCards.Outcome.SUCCEED) {
      code =
          switch (outcome) {
            case INSUFFICIENT_FUNDS -> "not_enough_balance";
            case EXPIRED_CARD -> "expired_card";
            case INCORRECT_CVC -> "cvc_declined";
            case FRAUD -> "fraud";
            case PROCESSING_ERROR -> "acquirer_error";
            case THREE_DS, THREE_DS_FAILS -> "3d_not_authenticated";
            default -> "refused";
          };
    }
    if (code != null) {
      ctx.fail(p, "REFUSED", Phase.FAILED, code);
      ctx.emit(p, "AUTHORISATION", event(p, false));
      return ApiResponse.ok(view(p));
    }
    p.expiresMs = ctx.now() + AUTH_VALIDITY_MS;
    ctx.set(p, "AUTHORISED", Phase.AUTHORIZED);
    ctx.schedule(p, "expire", p.expiresMs);
    ctx.emit(p, "AUTHORISATION", event(p, true));
    return ApiResponse.ok(view(p));
  }

  private ObjectNode event(Payment p, boolean success) {
    return view(p).put("success", Boolean.toString(success));
  }

  private Payment capturable(Ctx ctx, String psp, String operation) {
    Payment p = require(ctx, psp, "authorisation");
    // Past its expiry an authorisation is dead even if its expiry timer has not fired yet (REAL
    // clock: <= 100 ms).
    if (p.status.equals("EXPIRED") || p.status.equals("AUTHORISED") && ctx.now() >= p.expiresMs) {
      throw new ApiError(
          422,
          "authorisation_expired",
          "authorisation "
              + psp
              + " expired at "
              + Instant.ofEpochMilli(p.expiresMs)
              + " (7 days after it was granted); "
              + operation
              + " is not possible");
    }
    if (!p.status.equals("AUTHORISED")) {
      throw new ApiError(
          422,
          "invalid_state",
          "authorisation "
              + psp
              + " is "
              + p.status
              + " (expected: AUTHORISED for "
              + operation
              + ")");
    }
    return p;
  }

  private ApiResponse capture(Ctx ctx, ApiRequest req) {
    Payment p = capturable(ctx, req.param("psp"), "capture");
    long value = amount(req.body(), "amount")[0];
    String currency = currency(req.body(), "amount");
    if (!currency.equals(p.currency)) {
      throw ApiError.badField(
          "amount.currency", currency + " differs from the authorisation's " + p.currency);
    }
    if (value > p.amount) {
      throw new ApiError(
          422,
          "amount_exceeds_authorisation",
          "amount.value: " + value + " exceeds the authorised " + p.amount,
          "amount.value");
    }
    String captureRef = ctx.keyedId("CP", "capture").toUpperCase();
    p.attrs.put("capture_reference", captureRef);
    p.attrs.put("capture_amount", Long.toString(value));
    ctx.cancelTimer(p, "expire");
    ctx.set(p, "CAPTURE_PENDING", Phase.AUTHORIZED);
    ctx.schedule(p, "settle-capture", ctx.now() + CAPTURE_DELAY_MS);
    return ApiResponse.ok(
        Json.object()
            .put("pspReference", captureRef)
            .put("paymentPspReference", p.id)
            .put("status", "received")
            .set("amount", money(value, p.currency)));
  }

  private ApiResponse cancel(Ctx ctx, ApiRequest req) {
    Payment p = capturable(ctx, req.param("psp"), "cancel");
    ctx.cancelTimers(p);
    ctx.set(p, "CANCELLED", Phase.CANCELED);
    ctx.emit(p, "CANCELLATION", event(p, true));
    return ApiResponse.ok(
        Json.object()
            .put("pspReference", ctx.keyedId("CN", "cancel").toUpperCase())
            .put("paymentPspReference", p.id)
            .put("status", "received"));
  }

  private ApiResponse refund(Ctx ctx, ApiRequest req) {
    Payment p = require(ctx, req.param("psp"), "authorisation");
    if (!p.status.equals("CAPTURED")
        && !p.status.equals("PARTIALLY_REFUNDED")
        && !p.status.equals("REFUNDED")) {
      throw new ApiError(
          422,
          "invalid_state",
          "authorisation " + p.id + " is " + p.status + " (expected: CAPTURED to refund)");
    }
    long value = amount(req.body(), "amount")[0];
    String refundRef = ctx.keyedId("RF", "refund").toUpperCase();
    ctx.refund(p, value, refundRef, "amount.value");
    ctx.set(p, p.netCharged() == 0 ? "REFUNDED" : "PARTIALLY_REFUNDED", Phase.SUCCEEDED);
    ctx.emit(p, "REFUND", event(p, true).put("refundPspReference", refundRef));
    return ApiResponse.ok(
        Json.object()
            .put("pspReference", refundRef)
            .put("paymentPspReference", p.id)
            .put("status", "received"));
  }

  private void expire(Ctx ctx, Payment p) {
    ctx.cancelTimers(p);
    ctx.set(p, "EXPIRED", Phase.EXPIRED);
    ctx.emit(p, "AUTHORISATION_EXPIRED", event(p, true));
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (action.equals("expire") && p.status.equals("AUTHORISED")) {
      expire(ctx, p);
    } else if (action.equals("settle-capture") && p.status.equals("CAPTURE_PENDING")) {
      String code = ctx.injectedDecline(p.id, "capture");
      if (code != null) {
        ctx.fail(p, "CAPTURE_FAILED", Phase.FAILED, code);
        ctx.emit(p, "CAPTURE_FAILED", event(p, false));
        return;
      }
      ctx.capture(p, Long.parseLong(p.attr("capture_amount")), p.attr("capture_reference"));
      ctx.set(p, "CAPTURED", Phase.SUCCEEDED);
      ctx.emit(p, "CAPTURE", event(p, true));
    }
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    String type = e.status() == 401 ? "security" : e.status() >= 500 ? "internal" : "validation";
    ObjectNode body =
        Json.object()
            .put("status", e.status())
            .put("errorCode", e.code())
            .put("message", e.getMessage())
            .put("errorType", type);
    if (e.field() != null) {
      body.put("field", e.field());
    }
    return body;
  }

  private static ObjectNode money(long value, String currency) {
    return Json.object().put("value", value).put("currency", currency);
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("pspReference", p.id)
            .put("merchantReference", p.reference)
            .put("status", p.status)
            .put("resultCode", p.status.equals("REFUSED") ? "Refused" : "Authorised");
    n.set("amount", money(p.amount, p.currency));
    n.set("capturedAmount", money(p.capturedAmount, p.currency));
    n.set("refundedAmount", money(p.refundedAmount, p.currency));
    if (p.status.equals("REFUSED")) {
      String[] reason = REASONS.getOrDefault(p.failureCode, REASONS.get("refused"));
      n.put("refusalReasonCode", reason[0])
          .put("refusalReason", reason[1])
          .put("refusalCode", p.failureCode);
    }
    if (p.status.equals("CAPTURE_FAILED")) {
      n.put("captureFailureCode", p.failureCode);
    }
    if (p.expiresMs > 0) {
      n.put("expiresAt", Instant.ofEpochMilli(p.expiresMs).toString());
    }
    n.put("cardSummary", p.attr("last4"))
        .put("creationDate", Instant.ofEpochMilli(p.createdMs).toString());
    return n;
  }
}

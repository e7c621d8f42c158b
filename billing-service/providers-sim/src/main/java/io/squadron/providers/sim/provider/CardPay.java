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
import java.util.List;
import java.util.Locale;

/**
 * {@code cardpay}: cards with synchronous capture and 3-D Secure, shaped like Stripe's payment
 * intents. A card is tokenized into a payment method ({@code pm_...}); a payment intent confirms at
 * once and is {@code succeeded}, declined (HTTP 402, status {@code requires_payment_method}) or
 * {@code requires_action} (a 3-D Secure challenge the payer passes or fails; abandoned after 1
 * simulated hour).
 */
public final class CardPay extends Provider {
  private static final long CHALLENGE_TIMEOUT_MS = 3_600_000;
  private static final List<String> CODES =
      List.of(
          "generic_decline",
          "insufficient_funds",
          "lost_card",
          "stolen_card",
          "expired_card",
          "incorrect_cvc",
          "fraudulent",
          "processing_error",
          "do_not_honor");

  /** The provider. */
  public CardPay() {
    super("cardpay", "CardPay", "card (synchronous capture, 3-D Secure)", new Fees(140, 25, 1500));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/payment_methods", this::createPaymentMethod)
        .post("/v1/payment_intents", this::createIntent)
        .get(
            "/v1/payment_intents/{id}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("id"), "payment_intent"))))
        .post("/v1/payment_intents/{id}/cancel", this::cancel)
        .post("/v1/refunds", this::refund);
  }

  private ApiResponse createPaymentMethod(Ctx ctx, ApiRequest req) {
    String type = Json.optionalString(req.body(), "type", "type", 16);
    if (type != null && !type.equals("card")) {
      throw ApiError.badField("type", "'" + type + "' (expected: card)");
    }
    ObjectNode card = Json.requiredObject(req.body(), "card", "card");
    String number = Json.requiredString(card, "number", "card.number", 23);
    long month =
        Json.requiredLong(card, "exp_month", "card.exp_month", Long.MIN_VALUE, Long.MAX_VALUE);
    long year =
        Json.requiredLong(card, "exp_year", "card.exp_year", Long.MIN_VALUE, Long.MAX_VALUE);
    String cvc = Json.optionalString(card, "cvc", "card.cvc", 4);
    Record stored =
        CardVault.store(
            ctx,
            ctx.keyedId("pm_", "payment_method"),
            number,
            month,
            year,
            cvc,
            new String[] {"card.number", "card.exp_month", "card.exp_year", "card.cvc"});
    ObjectNode out =
        Json.object().put("id", stored.id).put("object", "payment_method").put("type", "card");
    CardVault.describe(stored, out.putObject("card"));
    return ApiResponse.ok(out);
  }

  private ApiResponse createIntent(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    long amount =
        Money.amount(Json.requiredLong(b, "amount", "amount", 1, Money.MAX_MINOR), "amount");
    String currency = Money.currency(Json.requiredString(b, "currency", "currency", 3), "currency");
    String reference = Json.requiredString(b, "reference", "reference", 255);
    String pm = Json.requiredString(b, "payment_method", "payment_method", 64);
    String returnUrl = Json.optionalString(b, "return_url", "return_url", 2048);
    Record card = CardVault.find(ctx, pm, "payment_method");
    Payment p =
        ctx.newPayment(
            ctx.keyedId("pi_", "payment_intent"),
            reference,
            amount,
            currency,
            "processing",
            Phase.PENDING);
    p.attrs.put("payment_method", pm);
    p.attrs.put("last4", card.get("last4"));
    p.attrs.put("brand", card.get("brand"));
    if (returnUrl != null) {
      p.attrs.put("return_url", returnUrl);
    }
    TestCards.Outcome outcome = CardVault.outcome(card, ctx.now());
    String injected = ctx.injectedDecline(p.id, "confirm");
    if (injected != null) {
      return decline(ctx, p, injected);
    }
    if (outcome.threeDs()) {
      ctx.set(p, "requires_action", Phase.REQUIRES_ACTION);
      p.attrs.put(
          "three_ds",
          outcome == TestCards.Outcome.THREE_DS_FAILS ? "always_fails" : "payer_decides");
      p.attrs.put("redirect_url", ctx.publicUrl() + "/cardpay/3ds/" + p.id);
      ctx.schedule(p, "abandon", ctx.now() + CHALLENGE_TIMEOUT_MS);
      ctx.awaitCustomer(p);
      ctx.emit(p, "payment_intent.requires_action");
      return ApiResponse.ok(view(p));
    }
    if (outcome.declined()) {
      return decline(ctx, p, code(outcome));
    }
    succeed(ctx, p);
    return ApiResponse.ok(view(p));
  }

  private static String code(TestCards.Outcome outcome) {
    return switch (outcome) {
      case INSUFFICIENT_FUNDS -> "insufficient_funds";
      case EXPIRED_CARD -> "expired_card";
      case INCORRECT_CVC -> "incorrect_cvc";
      case FRAUD -> "fraudulent";
      case PROCESSING_ERROR -> "processing_error";
      default -> "generic_decline";
    };
  }

  private ApiResponse decline(Ctx ctx, Payment p, String declineCode) {
    ctx.fail(p, "requires_payment_method", Phase.FAILED, declineCode);
    ctx.emit(p, "payment_intent.payment_failed");
    ObjectNode body = Json.object();
    ObjectNode error =
        body.putObject("error")
            .put("type", "card_error")
            .put("code", errorCode(declineCode))
            .put("decline_code", declineCode)
            .put("message", "Your card was declined (" + declineCode + ").");
    error.set("payment_intent", view(p));
    return new ApiResponse(402, body);
  }

  private static String errorCode(String declineCode) {
    return switch (declineCode) {
      case "expired_card", "incorrect_cvc", "processing_error", "authentication_failed" ->
          declineCode;
      default -> "card_declined";
    };
  }

  private void succeed(Ctx ctx, Payment p) {
    String charge = ctx.id("ch_", 20, p.id, "charge");
    p.attrs.put("latest_charge", charge);
    ctx.capture(p, p.amount, charge);
    ctx.cancelTimers(p);
    ctx.set(p, "succeeded", Phase.SUCCEEDED);
    ctx.emit(p, "payment_intent.succeeded");
  }

  private ApiResponse cancel(Ctx ctx, ApiRequest req) {
    Payment p = require(ctx, req.param("id"), "payment_intent");
    if (!p.status.equals("requires_action")) {
      throw new ApiError(
          400,
          "payment_intent_unexpected_state",
          "payment_intent " + p.id + " is " + p.status + " (expected: requires_action to cancel)");
    }
    doCancel(ctx, p, "requested_by_customer");
    return ApiResponse.ok(view(p));
  }

  private void doCancel(Ctx ctx, Payment p, String reason) {
    p.attrs.put("cancellation_reason", reason);
    ctx.cancelTimers(p);
    ctx.set(p, "canceled", Phase.CANCELED);
    ctx.emit(p, "payment_intent.canceled");
  }

  private ApiResponse refund(Ctx ctx, ApiRequest req) {
    String id = Json.requiredString(req.body(), "payment_intent", "payment_intent", 64);
    Payment p = ctx.state().payment(id);
    if (p == null) {
      throw new ApiError(
          400,
          "resource_missing",
          "payment_intent: no such payment_intent '" + id + "'",
          "payment_intent");
    }
    if (p.phase != Phase.SUCCEEDED) {
      throw new ApiError(
          400,
          "charge_not_refundable",
          "payment_intent " + id + " is " + p.status + " (expected: succeeded)",
          "payment_intent");
    }
    long amount =
        Json.optionalLong(req.body(), "amount", "amount", 1, Money.MAX_MINOR, p.netCharged());
    String refundId = ctx.keyedId("re_", "refund");
    ctx.refund(p, amount, refundId, "amount");
    ctx.emit(p, "charge.refunded");
    return ApiResponse.ok(
        Json.object()
            .put("id", refundId)
            .put("object", "refund")
            .put("amount", amount)
            .put("currency", p.currency.toLowerCase(Locale.ROOT))
            .put("payment_intent", p.id)
            .put("status", "succeeded"));
  }

  @Override
  public List<String> customerActions() {
    return List.of("authenticate", "abandon");
  }

  @Override
  public String autoApproveAction() {
    return "authenticate";
  }

  @Override
  public String autoDeclineAction() {
    return "abandon";
  }

  @Override
  public void onCustomer(Ctx ctx, Payment p, String action, ObjectNode body) {
    if (!customerActions().contains(action)) {
      super.onCustomer(ctx, p, action, body);
    }
    if (!p.status.equals("requires_action")) {
      throw new ApiError(
          409,
          "payment_intent_unexpected_state",
          "payment_intent " + p.id + " is " + p.status + " (expected: requires_action)");
    }
    if (action.equals("abandon")) {
      doCancel(ctx, p, "abandoned");
      return;
    }
    String result = Json.optionalString(body, "result", "result", 8);
    boolean pass = !"fail".equals(result) && !"always_fails".equals(p.attr("three_ds"));
    if (!pass) {
      ctx.cancelTimers(p);
      ctx.fail(p, "requires_payment_method", Phase.FAILED, "authentication_failed");
      ctx.emit(p, "payment_intent.payment_failed");
      return;
    }
    String injected = ctx.injectedDecline(p.id, "after-3ds");
    if (injected != null) {
      ctx.cancelTimers(p);
      ctx.fail(p, "requires_payment_method", Phase.FAILED, injected);
      ctx.emit(p, "payment_intent.payment_failed");
      return;
    }
    succeed(ctx, p);
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (action.equals("abandon") && p.status.equals("requires_action")) {
      doCancel(ctx, p, "abandoned");
    }
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    ObjectNode body = Json.object();
    String type =
        e.status() == 402
            ? "card_error"
            : e.status() >= 500
                ? "api_error"
                : e.status() == 401
                    ? "authentication_error"
                    : e.code().startsWith("idempotency")
                        ? "idempotency_error"
                        : "invalid_request_error";
    ObjectNode error =
        body.putObject("error")
            .put("type", type)
            .put("code", e.code())
            .put("message", e.getMessage());
    if (e.field() != null) {
      error.put("param", e.field());
    }
    return body;
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("id", p.id)
            .put("object", "payment_intent")
            .put("amount", p.amount)
            .put("amount_received", p.capturedAmount)
            .put("amount_refunded", p.refundedAmount)
            .put("currency", p.currency.toLowerCase(Locale.ROOT))
            .put("status", p.status)
            .put("reference", p.reference)
            .put("payment_method", p.attr("payment_method"))
            .put("created", p.createdMs / 1000)
            .put("latest_charge", p.attr("latest_charge"))
            .put("cancellation_reason", p.attr("cancellation_reason"));
    if (p.phase == Phase.FAILED) {
      n.putObject("last_payment_error")
          .put("type", "card_error")
          .put("code", errorCode(p.failureCode))
          .put("decline_code", p.failureCode);
    } else {
      n.putNull("last_payment_error");
    }
    if (p.status.equals("requires_action")) {
      ObjectNode next = n.putObject("next_action").put("type", "redirect_to_url");
      next.putObject("redirect_to_url")
          .put("url", p.attr("redirect_url"))
          .put("return_url", p.attr("return_url"));
    } else {
      n.putNull("next_action");
    }
    return n;
  }
}

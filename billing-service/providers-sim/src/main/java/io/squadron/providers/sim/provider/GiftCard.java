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
import java.util.regex.Pattern;

/**
 * {@code giftcard}: stored-value gift cards. A redemption takes an amount from a card's balance,
 * all or nothing, or as much as there is when {@code allow_partial} is true (split tender: the rest
 * goes on another method); a redemption can be reversed (balance restored) when the other part of a
 * split tender fails. Fixed test cards exist at start (see {@link #init}); the control operation
 * {@code issue} sells new ones.
 */
public final class GiftCard extends Provider {
  static final String KIND = "giftcard";
  private static final Pattern CODE = Pattern.compile("[A-Z0-9\\-]{6,32}");
  private static final List<String> CODES =
      List.of("insufficient_balance", "card_expired", "card_blocked");

  /** The provider. */
  public GiftCard() {
    super("giftcard", "GiftCard", "gift card (balance, partial redemption)", new Fees(0, 0, 0));
  }

  @Override
  public void init(Ctx ctx) {
    seed(ctx, "GC-EUR-5000-0001", 5000, "EUR", "active");
    seed(ctx, "GC-EUR-1000-0002", 1000, "EUR", "active");
    seed(ctx, "GC-EUR-0-0003", 0, "EUR", "active");
    seed(ctx, "GC-USD-2500-0004", 2500, "USD", "active");
    seed(ctx, "GC-EXPIRED-0005", 3000, "EUR", "expired");
    seed(ctx, "GC-BLOCKED-0006", 2000, "EUR", "blocked");
  }

  private static void seed(Ctx ctx, String code, long balance, String currency, String status) {
    if (ctx.state().record(KIND, code) == null) {
      ctx.save(
          new Record(KIND, code)
              .put("balance", Long.toString(balance))
              .put("currency", currency)
              .put("status", status));
    }
  }

  @Override
  public void routes(Routes r) {
    r.get("/v1/cards/{code}/balance", this::balance)
        .post("/v1/redemptions", this::redeem)
        .get(
            "/v1/redemptions/{id}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("id"), "redemption"))))
        .post("/v1/redemptions/{id}/reverse", this::reverse);
  }

  private static Record card(Ctx ctx, String code, String field) {
    Record card = ctx.state().record(KIND, code);
    if (card == null) {
      throw new ApiError(404, "card_not_found", field + ": no gift card with this code", field);
    }
    return card;
  }

  private static String last4(String code) {
    return code.substring(code.length() - 4);
  }

  private ApiResponse balance(Ctx ctx, ApiRequest req) {
    Record card = card(ctx, req.param("code"), "code");
    ObjectNode out =
        Json.object().put("code_last4", last4(card.id)).put("status", card.get("status"));
    out.putObject("balance")
        .put("amount", Long.parseLong(card.get("balance")))
        .put("currency", card.get("currency"));
    return ApiResponse.ok(out);
  }

  private ApiResponse redeem(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String code =
        Json.requiredMatching(b, "code", "code", CODE, "a gift card code (6..32 of A-Z, 0-9, '-')");
    long amount =
        Money.amount(Json.requiredLong(b, "amount", "amount", 1, Money.MAX_MINOR), "amount");
    String currency = Money.currency(Json.requiredString(b, "currency", "currency", 3), "currency");
    boolean partial = Json.optionalBoolean(b, "allow_partial", "allow_partial", false);
    String reference = Json.requiredString(b, "reference", "reference", 255);
    Record card = card(ctx, code, "code");
    if (!card.get("currency").equals(currency)) {
      throw new ApiError(
          400,
          "currency_mismatch",
          "currency: " + currency + " but the card holds " + card.get("currency"),
          "currency");
    }
    String id = ctx.keyedId("rdm_", "redemption");
    String refusal =
        switch (card.get("status")) {
          case "expired" -> "card_expired";
          case "blocked" -> "card_blocked";
          default -> ctx.injectedDecline(id, "redeem");
        };
    long balance = Long.parseLong(card.get("balance"));
    long redeemed = Math.min(balance, amount);
    if (refusal == null && (balance == 0 || !partial && balance < amount)) {
      refusal = "insufficient_balance";
    }
    Payment p = ctx.newPayment(id, reference, amount, currency, "processing", Phase.PENDING);
    p.attrs.put("code", code);
    if (refusal != null) {
      ctx.fail(p, "declined", Phase.FAILED, refusal);
      ctx.emit(p, "redemption.declined");
      ObjectNode body =
          errorBody(new ApiError(402, refusal, "the gift card cannot pay this (" + refusal + ")"));
      ((ObjectNode) body.get("error")).put("redemption_id", p.id).put("balance", balance);
      return new ApiResponse(402, body);
    }
    card.put("balance", Long.toString(balance - redeemed));
    ctx.save(card);
    ctx.capture(p, redeemed, p.id);
    ctx.set(p, "completed", Phase.SUCCEEDED);
    ctx.emit(p, "redemption.completed");
    return ApiResponse.created(view(p).put("remaining_balance", balance - redeemed));
  }

  private ApiResponse reverse(Ctx ctx, ApiRequest req) {
    Payment p = require(ctx, req.param("id"), "redemption");
    if (!p.status.equals("completed")) {
      throw new ApiError(
          409,
          "not_reversible",
          "redemption " + p.id + " is " + p.status + " (expected: completed)");
    }
    Record card = ctx.state().record(KIND, p.attr("code"));
    long restored = p.netCharged();
    card.put("balance", Long.toString(Long.parseLong(card.get("balance")) + restored));
    ctx.save(card);
    ctx.reverse(p, "reversal", p.id + "-rev");
    ctx.set(p, "reversed", Phase.CANCELED);
    ctx.emit(p, "redemption.reversed");
    return ApiResponse.ok(
        view(p)
            .put("restored_amount", restored)
            .put("remaining_balance", Long.parseLong(card.get("balance"))));
  }

  @Override
  public List<String> controlOperations() {
    return List.of("issue");
  }

  @Override
  public ObjectNode control(Ctx ctx, String operation, ObjectNode body) {
    if (!operation.equals("issue")) {
      return super.control(ctx, operation, body);
    }
    long balance = Json.requiredLong(body, "balance", "balance", 0, Money.MAX_MINOR);
    String currency =
        Money.currency(Json.requiredString(body, "currency", "currency", 3), "currency");
    String code = Json.optionalString(body, "code", "code", 32);
    if (code == null) {
      code =
          "GC-"
              + ctx.id(
                      "",
                      16,
                      "issue",
                      Integer.toString(ctx.state().records(KIND).size()),
                      Long.toString(ctx.now()))
                  .toUpperCase();
    } else if (!CODE.matcher(code).matches()) {
      throw ApiError.badField("code", "'" + code + "' (expected: 6..32 of A-Z, 0-9, '-')");
    }
    String status = Json.optionalString(body, "status", "status", 16);
    ctx.save(
        new Record(KIND, code)
            .put("balance", Long.toString(balance))
            .put("currency", currency)
            .put("status", status == null ? "active" : status));
    return Json.object().put("code", code).put("balance", balance).put("currency", currency);
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("redemption_id", p.id)
            .put("status", p.status)
            .put("reference", p.reference)
            .put("code_last4", last4(p.attr("code")))
            .put("requested_amount", p.amount)
            .put("redeemed_amount", p.capturedAmount)
            .put("currency", p.currency)
            .put("created", Instant.ofEpochMilli(p.createdMs).toString());
    if (p.failureCode != null) {
      n.put("decline_code", p.failureCode);
    }
    return n;
  }
}

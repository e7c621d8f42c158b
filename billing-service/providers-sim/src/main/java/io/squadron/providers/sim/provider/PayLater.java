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
import java.util.Locale;

/**
 * {@code paylater}: buy now, pay later, shaped like Klarna. The merchant opens a session; the payer
 * goes through the provider's credit check, which approves (event {@code session.approved} with a
 * one-time {@code authorization_token}, valid 60 simulated minutes) or declines ({@code
 * credit_check_failed}; emails starting with {@code decline}, amounts over 1000.00 {@code
 * amount_over_limit}). The merchant turns the token into an order, captured at once ({@code
 * auto_capture}, default) or later. Sessions without a decision expire after 48 hours.
 */
public final class PayLater extends Provider {
  /** Above this amount (minor units) the credit check declines. */
  public static final long CREDIT_LIMIT = 100_000;

  private static final long SESSION_TTL_MS = 48 * 3_600_000L;
  private static final long TOKEN_TTL_MS = 60 * 60_000L;
  private static final List<String> CODES =
      List.of("credit_check_failed", "amount_over_limit", "fraud_suspected");

  /** The provider. */
  public PayLater() {
    super("paylater", "PayLater", "buy now, pay later (credit check)", new Fees(329, 30, 0));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/sessions", this::session)
        .get(
            "/v1/sessions/{id}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("id"), "session"))))
        .post("/v1/authorizations/{token}/order", this::order)
        .get(
            "/v1/orders/{order}",
            (ctx, req) -> ApiResponse.ok(view(byOrder(ctx, req.param("order")))))
        .post("/v1/orders/{order}/captures", this::capture)
        .post("/v1/orders/{order}/refunds", this::refund);
  }

  private ApiResponse session(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String country =
        Json.requiredMatching(
            b,
            "purchase_country",
            "purchase_country",
            java.util.regex.Pattern.compile("[A-Z]{2}"),
            "an ISO 3166 alpha-2 country code");
    String currency =
        Money.currency(
            Json.requiredString(b, "purchase_currency", "purchase_currency", 3),
            "purchase_currency");
    long amount =
        Money.amount(
            Json.requiredLong(b, "order_amount", "order_amount", 1, Money.MAX_MINOR),
            "order_amount");
    String reference = Json.requiredString(b, "merchant_reference", "merchant_reference", 255);
    ObjectNode customer = Json.optionalObject(b, "customer", "customer");
    String email =
        customer == null ? null : Json.optionalString(customer, "email", "customer.email", 254);
    Payment p =
        ctx.newPayment(
            ctx.keyedId("ses_", "session"), reference, amount, currency, "pending", Phase.PENDING);
    p.attrs.put("country", country);
    if (email != null) {
      p.attrs.put("email", email.toLowerCase(Locale.ROOT));
    }
    p.attrs.put("client_token", ctx.id("ct_", 32, p.id, "client-token"));
    p.attrs.put("redirect_url", ctx.publicUrl() + "/paylater/checkout/" + p.id);
    p.expiresMs = ctx.now() + SESSION_TTL_MS;
    ctx.schedule(p, "expire", p.expiresMs);
    ctx.awaitCustomer(p);
    return ApiResponse.ok(view(p));
  }

  private Payment byOrder(Ctx ctx, String orderId) {
    Record order = ctx.state().record("order", orderId);
    if (order == null) {
      throw ApiError.notFound("order", orderId);
    }
    return ctx.state().payment(order.get("session"));
  }

  private ApiResponse order(Ctx ctx, ApiRequest req) {
    String token = req.param("token");
    Record auth = ctx.state().record("authtoken", token);
    if (auth == null) {
      throw new ApiError(404, "NOT_FOUND", "authorization token " + token + " not found");
    }
    Payment p = ctx.state().payment(auth.get("session"));
    if (p.attr("order_id") != null) {
      throw new ApiError(
          409,
          "TOKEN_ALREADY_USED",
          "authorization token " + token + " was already used for order " + p.attr("order_id"));
    }
    if (!p.status.equals("approved") || ctx.now() >= Long.parseLong(auth.get("expires_ms"))) {
      throw new ApiError(
          410,
          "AUTHORIZATION_TOKEN_EXPIRED",
          "authorization token " + token + " expired or its " + "session is " + p.status);
    }
    ObjectNode b = req.body();
    long amount = Json.requiredLong(b, "order_amount", "order_amount", 1, Money.MAX_MINOR);
    if (amount != p.amount) {
      throw ApiError.badField("order_amount", amount + " differs from the approved " + p.amount);
    }
    String reference = Json.optionalString(b, "merchant_reference", "merchant_reference", 255);
    if (reference != null && !reference.equals(p.reference)) {
      throw ApiError.badField("merchant_reference", "differs from the session's");
    }
    boolean autoCapture = Json.optionalBoolean(b, "auto_capture", "auto_capture", true);
    String orderId = ctx.keyedId("ord_", "order");
    p.attrs.put("order_id", orderId);
    ctx.save(new Record("order", orderId).put("session", p.id));
    ctx.cancelTimers(p);
    if (autoCapture) {
      doCapture(ctx, p);
    } else {
      ctx.set(p, "authorized", Phase.AUTHORIZED);
      ctx.emit(p, "order.authorized");
    }
    return ApiResponse.ok(
        Json.object()
            .put("order_id", orderId)
            .put("fraud_status", "ACCEPTED")
            .put("status", p.status.toUpperCase(Locale.ROOT)));
  }

  private void doCapture(Ctx ctx, Payment p) {
    String captureId = ctx.id("cap_", 20, p.id, "capture");
    ctx.capture(p, p.amount, captureId);
    ctx.set(p, "captured", Phase.SUCCEEDED);
    ctx.emit(p, "order.captured");
  }

  private ApiResponse capture(Ctx ctx, ApiRequest req) {
    Payment p = byOrder(ctx, req.param("order"));
    if (!p.status.equals("authorized")) {
      throw new ApiError(
          403, "CAPTURE_NOT_ALLOWED", "order " + p.attr("order_id") + " is " + p.status);
    }
    long amount =
        Json.requiredLong(req.body(), "captured_amount", "captured_amount", 1, Money.MAX_MINOR);
    if (amount != p.amount) {
      throw ApiError.badField(
          "captured_amount", amount + " (expected: the order amount " + p.amount + ")");
    }
    doCapture(ctx, p);
    return ApiResponse.created(
        Json.object().put("capture_id", ctx.id("cap_", 20, p.id, "capture")));
  }

  private ApiResponse refund(Ctx ctx, ApiRequest req) {
    Payment p = byOrder(ctx, req.param("order"));
    if (!p.status.equals("captured") && !p.status.equals("refunded")) {
      throw new ApiError(
          403, "REFUND_NOT_ALLOWED", "order " + p.attr("order_id") + " is " + p.status);
    }
    long amount =
        Json.requiredLong(req.body(), "refunded_amount", "refunded_amount", 1, Money.MAX_MINOR);
    String refundId = ctx.keyedId("rf_", "refund");
    ctx.refund(p, amount, refundId, "refunded_amount");
    if (p.netCharged() == 0) {
      ctx.set(p, "refunded", Phase.SUCCEEDED);
    }
    ctx.emit(p, "order.refunded");
    return ApiResponse.created(Json.object().put("refund_id", refundId));
  }

  @Override
  public List<String> customerActions() {
    return List.of("approve", "abandon");
  }

  @Override
  public String autoApproveAction() {
    return "approve";
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
    if (!p.status.equals("pending")) {
      throw new ApiError(409, "SESSION_NOT_PENDING", "session " + p.id + " is " + p.status);
    }
    ctx.cancelTimers(p);
    if (action.equals("abandon")) {
      ctx.fail(p, "expired", Phase.EXPIRED, "abandoned");
      ctx.emit(p, "session.expired");
      return;
    }
    String code = ctx.injectedDecline(p.id, "credit-check");
    if (code == null && p.amount > CREDIT_LIMIT) {
      code = "amount_over_limit";
    }
    if (code == null && p.attr("email") != null && p.attr("email").startsWith("decline")) {
      code = "credit_check_failed";
    }
    if (code != null) {
      ctx.fail(p, "declined", Phase.FAILED, code);
      ctx.emit(p, "session.declined");
      return;
    }
    String token = ctx.id("authtok_", 32, p.id, "authorization");
    long expires = ctx.now() + TOKEN_TTL_MS;
    ctx.save(
        new Record("authtoken", token)
            .put("session", p.id)
            .put("expires_ms", Long.toString(expires)));
    p.attrs.put("authorization_token", token);
    ctx.set(p, "approved", Phase.PENDING);
    ctx.schedule(p, "token-expire", expires);
    ctx.emit(p, "session.approved");
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if ((action.equals("expire") && p.status.equals("pending"))
        || (action.equals("token-expire")
            && p.status.equals("approved")
            && p.attr("order_id") == null)) {
      ctx.cancelTimers(p);
      ctx.fail(
          p,
          "expired",
          Phase.EXPIRED,
          action.equals("expire") ? "session_expired" : "token_expired");
      ctx.emit(p, "session.expired");
    }
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    ObjectNode body = Json.object().put("error_code", e.code().toUpperCase(Locale.ROOT));
    body.putArray("error_messages").add(e.getMessage());
    body.put("correlation_id", Long.toHexString(e.getMessage().hashCode() & 0xffffffffL));
    return body;
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("session_id", p.id)
            .put("status", p.status)
            .put("merchant_reference", p.reference)
            .put("order_amount", p.amount)
            .put("purchase_currency", p.currency)
            .put("purchase_country", p.attr("country"))
            .put("client_token", p.attr("client_token"))
            .put("redirect_url", p.attr("redirect_url"))
            .put("expires_at", Instant.ofEpochMilli(p.expiresMs).toString())
            .put("authorization_token", p.attr("authorization_token"))
            .put("order_id", p.attr("order_id"))
            .put("captured_amount", p.capturedAmount)
            .put("refunded_amount", p.refundedAmount);
    if (p.failureCode != null) {
      n.put("decline_reason", p.failureCode);
    }
    return n;
  }
}

package io.squadron.providers.sim.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.core.Money;
import io.squadron.providers.sim.core.Payment;
import io.squadron.providers.sim.core.Phase;
import io.squadron.providers.sim.http.ApiError;
import io.squadron.providers.sim.http.ApiRequest;
import io.squadron.providers.sim.http.ApiResponse;
import io.squadron.providers.sim.http.Json;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code ewallet}: a redirect e-wallet shaped like Alipay+. Every answer carries a {@code result}
 * with {@code resultStatus} {@code S} (success), {@code F} (failure) or {@code U} (unknown: in
 * process, ask again) and business errors come with HTTP 200 ({@code F}), as Alipay+ does; amounts
 * are minor units as strings. A payment is {@code PAYMENT_IN_PROCESS} until the payer confirms or
 * rejects in the wallet app; unconfirmed it closes after 14 simulated minutes ({@code
 * ORDER_IS_CLOSED}). {@code inquiryPayment} and {@code cancel} go by the merchant's {@code
 * paymentRequestId}. Events are {@code notifyPayment} notifications.
 */
public final class EWallet extends Provider {
  private static final long TTL_MS = 14 * 60_000L;
  private static final Pattern DIGITS = Pattern.compile("[1-9]\\d{0,15}");
  private static final List<String> CODES =
      List.of(
          "USER_BALANCE_NOT_ENOUGH",
          "RISK_REJECT",
          "USER_PAYMENT_VERIFICATION_FAILED",
          "USER_NOT_EXIST",
          "USER_REJECTED");

  /** The provider. */
  public EWallet() {
    super("ewallet", "EWallet", "redirect e-wallet (app confirmation)", new Fees(180, 0, 0));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/payments/pay", this::pay)
        .postRead("/v1/payments/inquiryPayment", this::inquiry)
        .post("/v1/payments/cancel", this::cancel)
        .post("/v1/payments/refund", this::refund);
  }

  private static ObjectNode result(String code, String status, String message) {
    return Json.object()
        .put("resultCode", code)
        .put("resultStatus", status)
        .put("resultMessage", message);
  }

  private ApiResponse pay(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String requestId = Json.requiredString(b, "paymentRequestId", "paymentRequestId", 64);
    ObjectNode amount = Json.requiredObject(b, "paymentAmount", "paymentAmount");
    String currency =
        Money.currency(
            Json.requiredString(amount, "currency", "paymentAmount.currency", 3),
            "paymentAmount.currency");
    long minor =
        Money.amount(
            Long.parseLong(
                Json.requiredMatching(
                    amount,
                    "value",
                    "paymentAmount.value",
                    DIGITS,
                    "a positive integer in minor units, as a string")),
            "paymentAmount.value");
    String redirect = Json.requiredString(b, "paymentRedirectUrl", "paymentRedirectUrl", 2048);
    if (!ctx.state().byReference(requestId).isEmpty()) {
      throw new ApiError(
          400,
          "REPEAT_REQ_INCONSISTENT",
          "paymentRequestId: " + requestId + " was already used for another payment",
          "paymentRequestId");
    }
    Payment p =
        ctx.newPayment(
            ctx.keyedId("2026", "payment").toUpperCase(),
            requestId,
            minor,
            currency,
            "PROCESSING",
            Phase.PENDING);
    p.attrs.put("redirect", redirect);
    p.attrs.put("normal_url", ctx.publicUrl() + "/ewallet/cashier/" + p.id);
    p.expiresMs = ctx.now() + TTL_MS;
    ctx.schedule(p, "expire", p.expiresMs);
    ctx.awaitCustomer(p);
    ObjectNode out = Json.object();
    out.set("result", result("PAYMENT_IN_PROCESS", "U", "payment in process"));
    out.put("paymentId", p.id)
        .put("paymentCreateTime", Instant.ofEpochMilli(p.createdMs).toString())
        .put("normalUrl", p.attr("normal_url"));
    return ApiResponse.ok(out);
  }

  private Payment byRequestId(Ctx ctx, ApiRequest req) {
    String requestId = Json.requiredString(req.body(), "paymentRequestId", "paymentRequestId", 64);
    List<Payment> all = ctx.state().byReference(requestId);
    if (all.isEmpty()) {
      throw new ApiError(
          404, "ORDER_NOT_EXIST", "paymentRequestId: no payment " + requestId, "paymentRequestId");
    }
    return all.get(0);
  }

  private ApiResponse inquiry(Ctx ctx, ApiRequest req) {
    Payment p = byRequestId(ctx, req);
    ObjectNode out = Json.object();
    out.set("result", result("SUCCESS", "S", "success"));
    out.setAll(view(p));
    return ApiResponse.ok(out);
  }

  private ApiResponse cancel(Ctx ctx, ApiRequest req) {
    Payment p = byRequestId(ctx, req);
    if (!p.status.equals("PROCESSING")) {
      throw new ApiError(400, "ORDER_STATUS_INVALID", "payment " + p.id + " is " + p.status);
    }
    close(ctx, p, "CANCELLED", Phase.CANCELED, "ORDER_IS_CANCELED");
    ObjectNode out = Json.object();
    out.set("result", result("SUCCESS", "S", "success"));
    out.put("paymentId", p.id).put("paymentRequestId", p.reference);
    return ApiResponse.ok(out);
  }

  private ApiResponse refund(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String refundRequestId = Json.requiredString(b, "refundRequestId", "refundRequestId", 64);
    String paymentId = Json.requiredString(b, "paymentId", "paymentId", 64);
    Payment p = ctx.state().payment(paymentId);
    if (p == null) {
      throw new ApiError(404, "ORDER_NOT_EXIST", "paymentId: no payment " + paymentId, "paymentId");
    }
    if (p.phase != Phase.SUCCEEDED) {
      throw new ApiError(400, "ORDER_STATUS_INVALID", "payment " + p.id + " is " + p.status);
    }
    ObjectNode amount = Json.requiredObject(b, "refundAmount", "refundAmount");
    long minor =
        Long.parseLong(
            Json.requiredMatching(
                amount,
                "value",
                "refundAmount.value",
                DIGITS,
                "a positive integer in minor units, as a string"));
    String refundId = ctx.keyedId("RF2026", "refund").toUpperCase();
    ctx.refund(p, minor, refundId, "refundAmount.value");
    ctx.emit(
        p,
        "notifyRefund",
        notification(p, "REFUND_RESULT", result("SUCCESS", "S", "success"))
            .put("refundRequestId", refundRequestId)
            .put("refundId", refundId));
    ObjectNode out = Json.object();
    out.set("result", result("SUCCESS", "S", "success"));
    out.put("refundId", refundId).put("refundRequestId", refundRequestId);
    return ApiResponse.ok(out);
  }

  private void close(Ctx ctx, Payment p, String status, Phase phase, String code) {
    ctx.cancelTimers(p);
    ctx.fail(p, status, phase, code);
    ctx.emit(p, "notifyPayment", notification(p, "PAYMENT_RESULT", result(code, "F", code)));
  }

  private ObjectNode notification(Payment p, String type, ObjectNode result) {
    ObjectNode n = Json.object().put("notifyType", type);
    n.set("result", result);
    n.put("paymentRequestId", p.reference).put("paymentId", p.id);
    n.putObject("paymentAmount").put("currency", p.currency).put("value", Long.toString(p.amount));
    if (p.attr("paid_at") != null) {
      n.put("paymentTime", p.attr("paid_at"));
    }
    return n;
  }

  @Override
  public List<String> customerActions() {
    return List.of("approve", "decline");
  }

  @Override
  public String autoApproveAction() {
    return "approve";
  }

  @Override
  public String autoDeclineAction() {
    return "decline";
  }

  @Override
  public void onCustomer(Ctx ctx, Payment p, String action, ObjectNode body) {
    if (!customerActions().contains(action)) {
      super.onCustomer(ctx, p, action, body);
    }
    if (!p.status.equals("PROCESSING")) {
      throw new ApiError(409, "ORDER_STATUS_INVALID", "payment " + p.id + " is " + p.status);
    }
    String code = action.equals("decline") ? "USER_REJECTED" : ctx.injectedDecline(p.id, "confirm");
    if (code != null) {
      close(ctx, p, "FAIL", Phase.FAILED, code);
      return;
    }
    ctx.cancelTimers(p);
    p.attrs.put("paid_at", ctx.nowIso());
    ctx.capture(p, p.amount, p.id);
    ctx.set(p, "SUCCESS", Phase.SUCCEEDED);
    ctx.emit(
        p, "notifyPayment", notification(p, "PAYMENT_RESULT", result("SUCCESS", "S", "success")));
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (action.equals("expire") && p.status.equals("PROCESSING")) {
      close(ctx, p, "CANCELLED", Phase.EXPIRED, "ORDER_IS_CLOSED");
    }
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public int errorStatus(ApiError error) {
    // Alipay+ answers business and parameter errors with HTTP 200 and resultStatus F.
    return error.status() == 401
            || error.status() == 404 && error.code().equals("not_found")
            || error.status() == 405
            || error.status() == 413
        ? error.status()
        : 200;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    String code =
        switch (e.code()) {
          case "idempotency_key_reused" -> "REPEAT_REQ_INCONSISTENT";
          case "invalid_request", "invalid_json", "currency_not_supported" -> "PARAM_ILLEGAL";
          case "authentication_failed" -> "INVALID_SIGNATURE";
          case "internal_error", "api_error", "service_unavailable", "gateway_timeout" ->
              "UNKNOWN_EXCEPTION";
          default -> e.code();
        };
    ObjectNode body = Json.object();
    body.set("result", result(code, e.status() >= 500 ? "U" : "F", e.getMessage()));
    return body;
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("paymentId", p.id)
            .put("paymentRequestId", p.reference)
            .put("paymentStatus", p.status)
            .put("paymentTime", p.attr("paid_at"));
    n.putObject("paymentAmount").put("currency", p.currency).put("value", Long.toString(p.amount));
    if (p.failureCode != null) {
      n.set("paymentResult", result(p.failureCode, "F", p.failureCode));
    } else if (p.status.equals("SUCCESS")) {
      n.set("paymentResult", result("SUCCESS", "S", "success"));
    }
    return n;
  }
}

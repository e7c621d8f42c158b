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
import java.util.Set;

/**
 * {@code bankredirect}: online banking redirect (iDEAL, Sofort, ...), shaped like Mollie. A payment
 * is {@code open} with a checkout link; the payer logs into their bank and pays, fails or cancels
 * there; unpaid payments expire after 15 simulated minutes. Its webhook carries <em>only the
 * payment id</em> ({@code data.object = {"id": ...}}), as Mollie's does: the merchant fetches the
 * payment to learn what happened.
 */
public final class BankRedirect extends Provider {
  private static final long TTL_MS = 15 * 60_000L;
  private static final List<String> CODES =
      List.of("rejected_by_bank", "authentication_failed", "insufficient_funds");

  /** The provider. */
  public BankRedirect() {
    super("bankredirect", "BankRedirect", "bank redirect (online banking)", new Fees(0, 29, 0));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/payments", this::create)
        .get(
            "/v1/payments/{id}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("id"), "payment"))))
        .post("/v1/payments/{id}/refunds", this::refund);
  }

  private ApiResponse create(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    ObjectNode amount = Json.requiredObject(b, "amount", "amount");
    String currency =
        Money.currency(
            Json.requiredString(amount, "currency", "amount.currency", 3),
            "amount.currency",
            Set.of("EUR", "CHF", "PLN"));
    long minor =
        Money.parseDecimal(
            Json.requiredString(amount, "value", "amount.value", 32), currency, "amount.value");
    String description = Json.requiredString(b, "description", "description", 255);
    String redirectUrl = Json.requiredString(b, "redirectUrl", "redirectUrl", 2048);
    String reference = Json.requiredString(b, "reference", "reference", 255);
    Payment p =
        ctx.newPayment(
            ctx.keyedId("tr_", "payment"), reference, minor, currency, "open", Phase.PENDING);
    p.attrs.put("description", description);
    p.attrs.put("redirect_url", redirectUrl);
    p.attrs.put("checkout_url", ctx.publicUrl() + "/bankredirect/checkout/" + p.id);
    p.expiresMs = ctx.now() + TTL_MS;
    ctx.schedule(p, "expire", p.expiresMs);
    ctx.awaitCustomer(p);
    return ApiResponse.created(view(p));
  }

  private ApiResponse refund(Ctx ctx, ApiRequest req) {
    Payment p = require(ctx, req.param("id"), "payment");
    if (!p.status.equals("paid")) {
      throw new ApiError(
          422, "not_refundable", "payment " + p.id + " is " + p.status + " (expected: paid)");
    }
    long minor = p.netCharged();
    ObjectNode amount = Json.optionalObject(req.body(), "amount", "amount");
    if (amount != null) {
      minor =
          Money.parseDecimal(
              Json.requiredString(amount, "value", "amount.value", 32), p.currency, "amount.value");
    }
    String refundId = ctx.keyedId("re_", "refund");
    ctx.refund(p, minor, refundId, "amount.value");
    ctx.emit(p, "payment.refunded", Json.object().put("id", p.id));
    ObjectNode out =
        Json.object()
            .put("resource", "refund")
            .put("id", refundId)
            .put("paymentId", p.id)
            .put("status", "refunded");
    out.putObject("amount")
        .put("currency", p.currency)
        .put("value", Money.decimal(minor, p.currency));
    return ApiResponse.created(out);
  }

  @Override
  public List<String> customerActions() {
    return List.of("pay", "fail", "cancel");
  }

  @Override
  public String autoApproveAction() {
    return "pay";
  }

  @Override
  public String autoDeclineAction() {
    return "cancel";
  }

  @Override
  public void onCustomer(Ctx ctx, Payment p, String action, ObjectNode body) {
    if (!customerActions().contains(action)) {
      super.onCustomer(ctx, p, action, body);
    }
    if (!p.status.equals("open")) {
      throw new ApiError(
          409, "payment_not_open", "payment " + p.id + " is " + p.status + " (expected: open)");
    }
    ctx.cancelTimers(p);
    String code = action.equals("pay") ? ctx.injectedDecline(p.id, "bank") : null;
    if (action.equals("pay") && code == null) {
      ctx.capture(p, p.amount, p.id);
      p.attrs.put("paid_at", ctx.nowIso());
      ctx.set(p, "paid", Phase.SUCCEEDED);
      ctx.emit(p, "payment.paid", Json.object().put("id", p.id));
    } else if (action.equals("cancel")) {
      ctx.fail(p, "canceled", Phase.CANCELED, "canceled_by_payer");
      ctx.emit(p, "payment.canceled", Json.object().put("id", p.id));
    } else {
      ctx.fail(p, "failed", Phase.FAILED, code != null ? code : "rejected_by_bank");
      ctx.emit(p, "payment.failed", Json.object().put("id", p.id));
    }
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (action.equals("expire") && p.status.equals("open")) {
      ctx.cancelTimers(p);
      ctx.fail(p, "expired", Phase.EXPIRED, "expired");
      ctx.emit(p, "payment.expired", Json.object().put("id", p.id));
    }
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    ObjectNode body =
        Json.object()
            .put("status", e.status())
            .put("title", title(e.status()))
            .put("detail", e.getMessage())
            .put("code", e.code());
    if (e.field() != null) {
      body.put("field", e.field());
    }
    return body;
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized Request";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 413 -> "Payload Too Large";
      case 422 -> "Unprocessable Entity";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("resource", "payment")
            .put("id", p.id)
            .put("status", p.status)
            .put("description", p.attr("description"))
            .put("reference", p.reference)
            .put("createdAt", Instant.ofEpochMilli(p.createdMs).toString())
            .put("expiresAt", Instant.ofEpochMilli(p.expiresMs).toString())
            .put("paidAt", p.attr("paid_at"));
    n.putObject("amount")
        .put("currency", p.currency)
        .put("value", Money.decimal(p.amount, p.currency));
    n.putObject("amountRefunded")
        .put("currency", p.currency)
        .put("value", Money.decimal(p.refundedAmount, p.currency));
    if (p.failureCode != null) {
      n.put("failureReason", p.failureCode);
    }
    ObjectNode links = n.putObject("_links");
    links.putObject("self").put("href", "/bankredirect/v1/payments/" + p.id);
    if (p.status.equals("open")) {
      links.putObject("checkout").put("href", p.attr("checkout_url"));
    }
    return n;
  }
}

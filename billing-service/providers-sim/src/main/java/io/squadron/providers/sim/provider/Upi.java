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
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code upi}: UPI collect request (India), in the shape of bank UPI APIs. The merchant asks a
 * payer's virtual payment address (VPA) for an amount; the payer approves on the phone with the UPI
 * PIN within the expiry (default 5 simulated minutes, 1..30), or declines, or lets it expire.
 * Lookups are by the merchant's transaction id. Test VPAs: local part starting {@code invalid}
 * answers {@code ZH} (invalid VPA) at once; {@code poor} fails {@code Z9} (insufficient funds) on
 * approval. INR only, amounts as decimal strings.
 */
public final class Upi extends Provider {
  private static final Pattern VPA = Pattern.compile("[a-zA-Z0-9.\\-_]{2,256}@[a-zA-Z]{2,64}");
  private static final Pattern TRAN_ID = Pattern.compile("[A-Za-z0-9\\-_]{1,35}");
  private static final Map<String, String> MESSAGES =
      Map.of(
          "00",
          "Transaction success",
          "ZA",
          "Transaction declined by customer",
          "Z9",
          "Insufficient funds in customer " + "account",
          "ZM",
          "Invalid MPIN",
          "U30",
          "Debit has failed",
          "ZH",
          "Invalid VPA",
          "U69",
          "Collect request expired");
  private static final List<String> CODES = List.of("U30", "ZA", "Z9", "ZM", "ZH");

  /** The provider. */
  public Upi() {
    super("upi", "UPI", "UPI collect (payer approves on the phone)", new Fees(0, 0, 0));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/collect", this::collect).get("/v1/transactions/{tranId}", this::status);
  }

  private ApiResponse collect(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String tranId =
        Json.requiredMatching(
            b, "merchantTranId", "merchantTranId", TRAN_ID, "1..35 letters, digits, '-' or '_'");
    String vpa = Json.requiredMatching(b, "payerVpa", "payerVpa", VPA, "a VPA like name@bank");
    Money.currency(Json.requiredString(b, "currency", "currency", 3), "currency", Set.of("INR"));
    long amount =
        Money.parseDecimal(Json.requiredString(b, "amount", "amount", 16), "INR", "amount");
    long expiryMinutes = Json.optionalLong(b, "expiryMinutes", "expiryMinutes", 1, 30, 5);
    if (!ctx.state().byReference(tranId).isEmpty()) {
      throw new ApiError(
          409,
          "DUPLICATE_TRAN_ID",
          "merchantTranId: " + tranId + " was already used",
          "merchantTranId");
    }
    Payment p =
        ctx.newPayment(
            ctx.keyedId("UPI", "collect").toUpperCase(),
            tranId,
            amount,
            "INR",
            "PENDING",
            Phase.PENDING);
    p.attrs.put("vpa", vpa);
    String remarks = Json.optionalString(b, "remarks", "remarks", 50);
    if (remarks != null) {
      p.attrs.put("remarks", remarks);
    }
    if (vpa.startsWith("invalid")) {
      ctx.fail(p, "FAILURE", Phase.FAILED, "ZH");
      ctx.emit(p, "collect.failure", callback(p));
      return ApiResponse.ok(response(p, false));
    }
    p.expiresMs = ctx.now() + expiryMinutes * 60_000;
    ctx.schedule(p, "expire", p.expiresMs);
    ctx.awaitCustomer(p);
    return ApiResponse.ok(response(p, true));
  }

  private ObjectNode response(Payment p, boolean success) {
    ObjectNode n =
        Json.object()
            .put("success", success)
            .put("response", success ? "92" : p.failureCode)
            .put("message", success ? "Collect request initiated" : MESSAGES.get(p.failureCode));
    n.setAll(view(p));
    return n;
  }

  private ApiResponse status(Ctx ctx, ApiRequest req) {
    List<Payment> all = ctx.state().byReference(req.param("tranId"));
    if (all.isEmpty()) {
      throw new ApiError(
          404,
          "TRANSACTION_NOT_FOUND",
          "merchantTranId: no transaction " + req.param("tranId"),
          "merchantTranId");
    }
    return ApiResponse.ok(view(all.get(all.size() - 1)));
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
    if (!p.status.equals("PENDING") || ctx.now() >= p.expiresMs) {
      throw new ApiError(
          409,
          "NOT_PENDING",
          "collect request "
              + p.id
              + " is "
              + p.status
              + (p.status.equals("PENDING") ? " but expired" : ""));
    }
    ctx.cancelTimers(p);
    String code = action.equals("decline") ? "ZA" : ctx.injectedDecline(p.id, "approve");
    if (code == null && p.attr("vpa").startsWith("poor")) {
      code = "Z9";
    }
    if (code != null) {
      ctx.fail(p, "FAILURE", Phase.FAILED, code);
      ctx.emit(p, "collect.failure", callback(p));
      return;
    }
    p.attrs.put("rrn", ctx.id("", 12, p.id, "rrn").replaceAll("[a-z]", "7"));
    p.attrs.put("completed_at", ctx.nowIso());
    ctx.capture(p, p.amount, p.attr("rrn"));
    ctx.set(p, "SUCCESS", Phase.SUCCEEDED);
    ctx.emit(p, "collect.success", callback(p));
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (action.equals("expire") && p.status.equals("PENDING")) {
      ctx.cancelTimers(p);
      ctx.fail(p, "EXPIRED", Phase.EXPIRED, "U69");
      ctx.emit(p, "collect.expired", callback(p));
    }
  }

  private ObjectNode callback(Payment p) {
    return view(p);
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    ObjectNode body =
        Json.object()
            .put("success", false)
            .put("response", e.code())
            .put("message", e.getMessage());
    if (e.field() != null) {
      body.put("field", e.field());
    }
    return body;
  }

  @Override
  public ObjectNode view(Payment p) {
    String code = p.status.equals("SUCCESS") ? "00" : p.failureCode;
    ObjectNode n =
        Json.object()
            .put("merchantTranId", p.reference)
            .put("upiTxnId", p.id)
            .put("status", p.status)
            .put("payerVpa", p.attr("vpa"))
            .put("amount", Money.decimal(p.amount, p.currency))
            .put("currency", p.currency)
            .put("responseCode", code)
            .put("responseMessage", code == null ? "Collect request pending" : MESSAGES.get(code))
            .put("bankRRN", p.attr("rrn"))
            .put("txnCompletionDate", p.attr("completed_at"));
    if (p.expiresMs > 0) {
      n.put("expiresAt", Instant.ofEpochMilli(p.expiresMs).toString());
    }
    return n;
  }
}

package io.squadron.providers.sim.provider;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.core.Money;
import io.squadron.providers.sim.core.Payment;
import io.squadron.providers.sim.core.Phase;
import io.squadron.providers.sim.http.ApiError;
import io.squadron.providers.sim.http.ApiRequest;
import io.squadron.providers.sim.http.ApiResponse;
import io.squadron.providers.sim.http.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code mobilemoney}: mobile money push payment, shaped like M-Pesa's STK push (Daraja; PascalCase
 * fields, whole shillings). The merchant's request is only accepted ({@code ResponseCode "0"}); the
 * payer's phone shows a PIN prompt; the result comes in the callback ({@code
 * Body.stkCallback.ResultCode}: {@code 0} paid, {@code 1032} cancelled by the user, {@code 1}
 * insufficient balance, {@code 2001} wrong PIN, {@code 1037} phone unreachable / no answer within
 * 60 simulated seconds). The status query answers HTTP 500 {@code 500.001.1001} while the request
 * is still being processed, as Daraja does. Test phone numbers: ending {@code 0001} insufficient
 * balance, ending {@code 0002} unreachable. KES only.
 */
public final class MobileMoney extends Provider {
  private static final long PROMPT_TIMEOUT_MS = 60_000;
  private static final Pattern PHONE = Pattern.compile("2547\\d{8}|2541\\d{8}");
  private static final Pattern SHORT_CODE = Pattern.compile("\\d{5,7}");
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
  private static final Map<String, String> RESULTS =
      Map.of(
          "0", "The service request is processed successfully.",
          "1", "The balance is insufficient for the transaction.",
          "1032", "Request cancelled by user.",
          "1037", "DS timeout user cannot be reached.",
          "2001", "The initiator information is invalid.");
  private static final List<String> CODES = List.of("1", "1032", "1037", "2001");

  /** The provider. */
  public MobileMoney() {
    super(
        "mobilemoney",
        "MobileMoney",
        "mobile money push (PIN prompt on the phone)",
        new Fees(100, 0, 0));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/stkpush/processrequest", this::push)
        .postRead("/v1/stkpushquery/query", this::query);
  }

  private ApiResponse push(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String shortCode =
        Json.requiredMatching(
            b, "BusinessShortCode", "BusinessShortCode", SHORT_CODE, "a 5..7 digit short code");
    long shillings = Json.requiredLong(b, "Amount", "Amount", 1, 250_000);
    String phone =
        Json.requiredMatching(
            b, "PhoneNumber", "PhoneNumber", PHONE, "a Kenyan number 2547XXXXXXXX");
    String reference = Json.requiredString(b, "AccountReference", "AccountReference", 64);
    String description = Json.requiredString(b, "TransactionDesc", "TransactionDesc", 64);
    Payment p =
        ctx.newPayment(
            ctx.keyedId("ws_CO_", "checkout"),
            reference,
            Money.amount(shillings * 100, "Amount"),
            "KES",
            "ACCEPTED",
            Phase.PENDING);
    p.attrs.put(
        "merchant_request_id", ctx.id("", 8, p.id, "mr") + "-" + ctx.id("", 8, p.id, "mr2"));
    p.attrs.put("phone", phone);
    p.attrs.put("short_code", shortCode);
    p.attrs.put("description", description);
    ctx.schedule(p, "timeout", ctx.now() + PROMPT_TIMEOUT_MS);
    if (!phone.endsWith("0002")) {
      ctx.awaitCustomer(p);
    }
    return ApiResponse.ok(
        Json.object()
            .put("MerchantRequestID", p.attr("merchant_request_id"))
            .put("CheckoutRequestID", p.id)
            .put("ResponseCode", "0")
            .put("ResponseDescription", "Success. Request accepted for processing")
            .put("CustomerMessage", "Success. Request accepted for processing"));
  }

  private ApiResponse query(Ctx ctx, ApiRequest req) {
    String id = Json.requiredString(req.body(), "CheckoutRequestID", "CheckoutRequestID", 64);
    Payment p = ctx.state().payment(id);
    if (p == null) {
      throw new ApiError(
          404, "404.001.03", "CheckoutRequestID: no such request " + id, "CheckoutRequestID");
    }
    if (p.status.equals("ACCEPTED")) {
      return new ApiResponse(
          500,
          Json.object()
              .put("requestId", p.attr("merchant_request_id"))
              .put("errorCode", "500.001.1001")
              .put("errorMessage", "The transaction is being processed"));
    }
    return ApiResponse.ok(
        Json.object()
            .put("ResponseCode", "0")
            .put("ResponseDescription", "The service request has been accepted successsfully")
            .put("MerchantRequestID", p.attr("merchant_request_id"))
            .put("CheckoutRequestID", p.id)
            .put("ResultCode", p.failureCode == null ? "0" : p.failureCode)
            .put("ResultDesc", RESULTS.get(p.failureCode == null ? "0" : p.failureCode)));
  }

  @Override
  public List<String> customerActions() {
    return List.of("approve", "decline", "wrong_pin");
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
    if (!p.status.equals("ACCEPTED")) {
      throw new ApiError(409, "not_pending", "request " + p.id + " is " + p.status);
    }
    if (p.attr("phone").endsWith("0002")) {
      throw new ApiError(
          409, "unreachable", "the phone of request " + p.id + " is unreachable (test number)");
    }
    String code =
        switch (action) {
          case "decline" -> "1032";
          case "wrong_pin" -> "2001";
          default -> ctx.injectedDecline(p.id, "pin");
        };
    if (code == null && p.attr("phone").endsWith("0001")) {
      code = "1";
    }
    finish(ctx, p, code);
  }

  private void finish(Ctx ctx, Payment p, String code) {
    ctx.cancelTimers(p);
    if (code != null) {
      ctx.fail(p, "FAILED", Phase.FAILED, code);
    } else {
      p.attrs.put("receipt", ctx.id("", 10, p.id, "receipt").toUpperCase());
      p.attrs.put("transaction_date", TIMESTAMP.format(Instant.ofEpochMilli(ctx.now())));
      ctx.capture(p, p.amount, p.attr("receipt"));
      ctx.set(p, "COMPLETED", Phase.SUCCEEDED);
    }
    ctx.emit(p, "stkCallback", callback(p));
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (action.equals("timeout") && p.status.equals("ACCEPTED")) {
      finish(ctx, p, "1037");
    }
  }

  private ObjectNode callback(Payment p) {
    String code = p.failureCode == null ? "0" : p.failureCode;
    ObjectNode root = Json.object();
    ObjectNode cb =
        root.putObject("Body")
            .putObject("stkCallback")
            .put("MerchantRequestID", p.attr("merchant_request_id"))
            .put("CheckoutRequestID", p.id)
            .put("ResultCode", Integer.parseInt(code))
            .put("ResultDesc", RESULTS.get(code));
    if (p.failureCode == null) {
      ArrayNode items = cb.putObject("CallbackMetadata").putArray("Item");
      items.addObject().put("Name", "Amount").put("Value", p.amount / 100);
      items.addObject().put("Name", "MpesaReceiptNumber").put("Value", p.attr("receipt"));
      items
          .addObject()
          .put("Name", "TransactionDate")
          .put("Value", Long.parseLong(p.attr("transaction_date")));
      items.addObject().put("Name", "PhoneNumber").put("Value", Long.parseLong(p.attr("phone")));
    }
    return root;
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    String code =
        switch (e.status()) {
          case 400 -> "400.002.02";
          case 401 -> "404.001.04";
          case 404 -> e.code().matches("\\d{3}\\.\\d{3}\\.\\d+") ? e.code() : "404.001.01";
          default -> e.status() + ".001.01";
        };
    return Json.object()
        .put("requestId", Long.toHexString(e.getMessage().hashCode() & 0xffffffffL))
        .put("errorCode", code)
        .put("errorMessage", e.getMessage())
        .put("errorReason", e.code());
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("CheckoutRequestID", p.id)
            .put("MerchantRequestID", p.attr("merchant_request_id"))
            .put("AccountReference", p.reference)
            .put("Amount", p.amount / 100)
            .put("PhoneNumber", p.attr("phone"))
            .put("Status", p.status);
    if (!p.status.equals("ACCEPTED")) {
      String code = p.failureCode == null ? "0" : p.failureCode;
      n.put("ResultCode", code)
          .put("ResultDesc", RESULTS.get(code))
          .put("MpesaReceiptNumber", p.attr("receipt"));
    }
    return n;
  }
}

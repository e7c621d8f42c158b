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
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code carrierbill}: direct carrier billing, the charge goes on the phone bill. A charge answers
 * 202 {@code pending}; the operator confirms it 5 simulated seconds later ({@code charged}, or
 * {@code failed} with a reason), by event. Each phone number has a monthly spend cap (default 50.00
 * in minor units of any currency, per calendar month of the simulated clock, UTC); pending charges
 * count against it, failed ones are released. Over the cap: 402 {@code spend_limit_exceeded} at
 * once. Test numbers: ending {@code 0001} barred (402 at once), {@code 0002} insufficient prepaid
 * credit (fails at confirmation), {@code 0003} unknown subscriber (402 at once).
 */
public final class CarrierBill extends Provider {
  /** The default monthly cap per phone number, minor units. */
  public static final long DEFAULT_MONTHLY_CAP = 5_000;

  private static final long CONFIRM_DELAY_MS = 5_000;
  private static final Pattern MSISDN = Pattern.compile("\\+[1-9]\\d{7,14}");
  private static final Set<String> CURRENCIES =
      Set.of("EUR", "GBP", "USD", "SEK", "NOK", "DKK", "PLN", "CHF");
  private static final List<String> CODES =
      List.of("operator_error", "insufficient_credit", "subscriber_barred", "spend_limit_exceeded");

  /** The provider. */
  public CarrierBill() {
    super(
        "carrierbill",
        "CarrierBill",
        "carrier billing (phone bill, monthly spend cap)",
        new Fees(1500, 0, 0));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/charges", this::charge)
        .get(
            "/v1/charges/{id}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("id"), "charge"))))
        .post("/v1/charges/{id}/refund", this::refund)
        .get("/v1/subscribers/{msisdn}/spend", this::spend);
  }

  private long cap(Ctx ctx) {
    Record settings = ctx.state().record("cap", "monthly");
    return settings == null ? DEFAULT_MONTHLY_CAP : Long.parseLong(settings.get("amount"));
  }

  private static String month(long ms) {
    return YearMonth.from(Instant.ofEpochMilli(ms).atZone(ZoneOffset.UTC)).toString();
  }

  private static Record spendRecord(Ctx ctx, String msisdn, String month) {
    Record r = ctx.state().record("spend", msisdn + "/" + month);
    return r != null ? r : new Record("spend", msisdn + "/" + month).put("amount", "0");
  }

  private ApiResponse charge(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String msisdn =
        Json.requiredMatching(
            b, "msisdn", "msisdn", MSISDN, "an E.164 phone number (+4915112345678)");
    long amount =
        Money.amount(Json.requiredLong(b, "amount", "amount", 1, Money.MAX_MINOR), "amount");
    String currency =
        Money.currency(Json.requiredString(b, "currency", "currency", 3), "currency", CURRENCIES);
    String reference = Json.requiredString(b, "merchant_ref", "merchant_ref", 64);
    String description = Json.requiredString(b, "description", "description", 140);
    if (msisdn.endsWith("0001")) {
      throw new ApiError(
          402,
          "subscriber_barred",
          "msisdn: the subscriber is barred from carrier billing",
          "msisdn");
    }
    if (msisdn.endsWith("0003")) {
      throw new ApiError(
          402, "unknown_subscriber", "msisdn: not a subscriber of this operator", "msisdn");
    }
    String month = month(ctx.now());
    Record spend = spendRecord(ctx, msisdn, month);
    long spent = Long.parseLong(spend.get("amount"));
    long cap = cap(ctx);
    if (spent + amount > cap) {
      throw new ApiError(
          402,
          "spend_limit_exceeded",
          "amount: "
              + amount
              + " would exceed the monthly cap of "
              + cap
              + " for this subscriber (spent "
              + spent
              + " in "
              + month
              + ")",
          "amount");
    }
    spend.put("amount", Long.toString(spent + amount));
    ctx.save(spend);
    Payment p =
        ctx.newPayment(
            ctx.keyedId("dcb_", "charge"), reference, amount, currency, "pending", Phase.PENDING);
    p.attrs.put("msisdn", msisdn);
    p.attrs.put("month", month);
    p.attrs.put("description", description);
    ctx.schedule(p, "confirm", ctx.now() + CONFIRM_DELAY_MS);
    return new ApiResponse(202, view(p));
  }

  private ApiResponse refund(Ctx ctx, ApiRequest req) {
    Payment p = require(ctx, req.param("id"), "charge");
    if (!p.status.equals("charged")) {
      throw new ApiError(
          409, "not_refundable", "charge " + p.id + " is " + p.status + " (expected: charged)");
    }
    ctx.refund(p, p.netCharged(), ctx.keyedId("dcr_", "refund"), "amount");
    ctx.set(p, "refunded", Phase.SUCCEEDED);
    ctx.emit(p, "charge.refunded");
    return ApiResponse.ok(view(p));
  }

  private ApiResponse spend(Ctx ctx, ApiRequest req) {
    String msisdn = req.param("msisdn");
    if (!MSISDN.matcher(msisdn).matches()) {
      throw ApiError.badField("msisdn", "'" + msisdn + "' is not an E.164 phone number");
    }
    String month = month(ctx.now());
    long spent = Long.parseLong(spendRecord(ctx, msisdn, month).get("amount"));
    long cap = cap(ctx);
    return ApiResponse.ok(
        Json.object()
            .put("msisdn", msisdn)
            .put("month", month)
            .put("spent", spent)
            .put("cap", cap)
            .put("remaining", Math.max(0, cap - spent)));
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (!action.equals("confirm") || !p.status.equals("pending")) {
      return;
    }
    String code = ctx.injectedDecline(p.id, "confirm");
    if (code == null && p.attr("msisdn").endsWith("0002")) {
      code = "insufficient_credit";
    }
    if (code != null) {
      Record spend = spendRecord(ctx, p.attr("msisdn"), p.attr("month"));
      spend.put(
          "amount", Long.toString(Math.max(0, Long.parseLong(spend.get("amount")) - p.amount)));
      ctx.save(spend);
      ctx.fail(p, "failed", Phase.FAILED, code);
      ctx.emit(p, "charge.failed");
      return;
    }
    ctx.capture(p, p.amount, p.id);
    ctx.set(p, "charged", Phase.SUCCEEDED);
    ctx.emit(p, "charge.charged");
  }

  @Override
  public List<String> controlOperations() {
    return List.of("spend-cap");
  }

  @Override
  public ObjectNode control(Ctx ctx, String operation, ObjectNode body) {
    if (!operation.equals("spend-cap")) {
      return super.control(ctx, operation, body);
    }
    long cap = Json.requiredLong(body, "monthly_cap", "monthly_cap", 0, Money.MAX_MINOR);
    ctx.save(new Record("cap", "monthly").put("amount", Long.toString(cap)));
    return Json.object().put("monthly_cap", cap);
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    ObjectNode body = Json.object().put("error", e.code()).put("error_description", e.getMessage());
    if (e.field() != null) {
      body.put("field", e.field());
    }
    return body;
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("charge_id", p.id)
            .put("status", p.status)
            .put("msisdn", p.attr("msisdn"))
            .put("amount", p.amount)
            .put("currency", p.currency)
            .put("merchant_ref", p.reference)
            .put("description", p.attr("description"))
            .put("created_at", Instant.ofEpochMilli(p.createdMs).toString());
    if (p.failureCode != null) {
      n.put("failure_reason", p.failureCode);
    }
    return n;
  }
}

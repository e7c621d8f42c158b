package io.squadron.providers.sim.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

/**
 * {@code paywallet}: a redirect wallet shaped like PayPal's Orders v2. An order starts {@code
 * PAYER_ACTION_REQUIRED} with a {@code payer-action} link; the payer approves (event {@code
 * CHECKOUT.ORDER.APPROVED}) or cancels in the wallet; the merchant then captures the approved order
 * ({@code COMPLETED}, event {@code PAYMENT.CAPTURE.COMPLETED}) or gets 422 {@code
 * INSTRUMENT_DECLINED}. Unpaid orders are voided after 3 simulated hours. Amounts are decimal
 * strings.
 */
public final class PayWallet extends Provider {
  private static final long ORDER_TTL_MS = 3 * 3_600_000L;
  private static final List<String> CODES =
      List.of(
          "INSTRUMENT_DECLINED",
          "PAYER_ACCOUNT_RESTRICTED",
          "PAYER_CANNOT_PAY",
          "TRANSACTION_REFUSED");

  /** The provider. */
  public PayWallet() {
    super(
        "paywallet", "PayWallet", "redirect wallet (approve, then capture)", new Fees(290, 35, 0));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v2/checkout/orders", this::create)
        .get(
            "/v2/checkout/orders/{id}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("id"), "order"))))
        .post("/v2/checkout/orders/{id}/capture", this::capture)
        .post("/v2/payments/captures/{capture}/refund", this::refund);
  }

  private ApiResponse create(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String intent = Json.requiredString(b, "intent", "intent", 16);
    if (!intent.equals("CAPTURE")) {
      throw ApiError.badField("intent", "'" + intent + "' (expected: CAPTURE)");
    }
    JsonNode units = b.get("purchase_units");
    if (units == null || !units.isArray() || units.size() != 1 || !units.get(0).isObject()) {
      throw ApiError.badField("purchase_units", "expected an array of exactly one purchase unit");
    }
    ObjectNode unit = (ObjectNode) units.get(0);
    String reference =
        Json.requiredString(unit, "reference_id", "purchase_units[0].reference_id", 256);
    ObjectNode amount = Json.requiredObject(unit, "amount", "purchase_units[0].amount");
    String currency =
        Money.currency(
            Json.requiredString(
                amount, "currency_code", "purchase_units[0].amount.currency_code", 3),
            "purchase_units[0].amount.currency_code");
    long minor =
        Money.parseDecimal(
            Json.requiredString(amount, "value", "purchase_units[0].amount.value", 32),
            currency,
            "purchase_units[0].amount.value");
    Payment p =
        ctx.newPayment(
            ctx.keyedId("ORD-", "order").toUpperCase(),
            reference,
            minor,
            currency,
            "PAYER_ACTION_REQUIRED",
            Phase.PENDING);
    p.attrs.put("approve_url", ctx.publicUrl() + "/paywallet/checkoutnow?token=" + p.id);
    ObjectNode context = Json.optionalObject(b, "application_context", "application_context");
    if (context != null) {
      String ret =
          Json.optionalString(context, "return_url", "application_context.return_url", 2048);
      if (ret != null) {
        p.attrs.put("return_url", ret);
      }
    }
    p.expiresMs = ctx.now() + ORDER_TTL_MS;
    ctx.schedule(p, "expire", p.expiresMs);
    ctx.awaitCustomer(p);
    ctx.save(p);
    return ApiResponse.created(view(p));
  }

  private ApiResponse capture(Ctx ctx, ApiRequest req) {
    Payment p = require(ctx, req.param("id"), "order");
    switch (p.status) {
      case "APPROVED":
        break;
      case "COMPLETED":
        throw new ApiError(422, "ORDER_ALREADY_CAPTURED", "order " + p.id + " is already captured");
      case "PAYER_ACTION_REQUIRED":
        throw new ApiError(
            422, "ORDER_NOT_APPROVED", "order " + p.id + " is not approved by the payer yet");
      default:
        throw new ApiError(422, "ORDER_NOT_APPROVED", "order " + p.id + " is " + p.status);
    }
    String code = ctx.injectedDecline(p.id, "capture");
    if (code != null) {
      ctx.cancelTimers(p);
      ctx.fail(p, "VOIDED", Phase.FAILED, code);
      ctx.emit(p, "PAYMENT.CAPTURE.DENIED", captureView(p));
      ObjectNode body =
          errorBody(
              new ApiError(
                  422,
                  code,
                  "the payer's funding instrument was declined (" + code + "); the order is void"));
      return new ApiResponse(422, body);
    }
    String captureId = ctx.keyedId("CAP-", "capture").toUpperCase();
    p.attrs.put("capture_id", captureId);
    ctx.save(new Record("capture", captureId).put("order", p.id));
    ctx.capture(p, p.amount, captureId);
    ctx.cancelTimers(p);
    ctx.set(p, "COMPLETED", Phase.SUCCEEDED);
    ctx.emit(p, "PAYMENT.CAPTURE.COMPLETED", captureView(p));
    return ApiResponse.created(view(p));
  }

  private ApiResponse refund(Ctx ctx, ApiRequest req) {
    Record capture = ctx.state().record("capture", req.param("capture"));
    if (capture == null) {
      throw ApiError.notFound("capture", req.param("capture"));
    }
    Payment p = ctx.state().payment(capture.get("order"));
    long minor = p.netCharged();
    ObjectNode amount = Json.optionalObject(req.body(), "amount", "amount");
    if (amount != null) {
      String currency =
          Money.currency(
              Json.requiredString(amount, "currency_code", "amount.currency_code", 3),
              "amount.currency_code");
      if (!currency.equals(p.currency)) {
        throw ApiError.badField(
            "amount.currency_code", currency + " differs from the capture's " + p.currency);
      }
      minor =
          Money.parseDecimal(
              Json.requiredString(amount, "value", "amount.value", 32), currency, "amount.value");
    }
    String refundId = ctx.keyedId("REF-", "refund").toUpperCase();
    ctx.refund(p, minor, refundId, "amount.value");
    ctx.emit(p, "PAYMENT.CAPTURE.REFUNDED", captureView(p).put("refund_id", refundId));
    return ApiResponse.created(
        Json.object()
            .put("id", refundId)
            .put("status", "COMPLETED")
            .set("amount", money(minor, p.currency)));
  }

  @Override
  public List<String> customerActions() {
    return List.of("approve", "cancel");
  }

  @Override
  public String autoApproveAction() {
    return "approve";
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
    if (!p.status.equals("PAYER_ACTION_REQUIRED")) {
      throw new ApiError(
          409,
          "ORDER_NOT_PENDING",
          "order " + p.id + " is " + p.status + " (expected: PAYER_ACTION_REQUIRED)");
    }
    if (action.equals("approve")) {
      ctx.set(p, "APPROVED", Phase.PENDING);
      ctx.emit(p, "CHECKOUT.ORDER.APPROVED");
    } else {
      ctx.cancelTimers(p);
      ctx.fail(p, "VOIDED", Phase.CANCELED, "PAYER_CANCELLED");
      ctx.emit(p, "CHECKOUT.ORDER.VOIDED");
    }
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (action.equals("expire")
        && (p.status.equals("PAYER_ACTION_REQUIRED") || p.status.equals("APPROVED"))) {
      ctx.cancelTimers(p);
      ctx.fail(p, "VOIDED", Phase.EXPIRED, "ORDER_EXPIRED");
      ctx.emit(p, "CHECKOUT.ORDER.VOIDED");
    }
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    String name =
        switch (e.status()) {
          case 401 -> "AUTHENTICATION_FAILURE";
          case 404 -> "RESOURCE_NOT_FOUND";
          case 422 -> "UNPROCESSABLE_ENTITY";
          default -> e.status() >= 500 ? "INTERNAL_SERVER_ERROR" : "INVALID_REQUEST";
        };
    ObjectNode body = Json.object().put("name", name).put("message", e.getMessage());
    ObjectNode detail =
        body.putArray("details")
            .addObject()
            .put("issue", e.code())
            .put("description", e.getMessage());
    if (e.field() != null) {
      detail.put("field", e.field());
    }
    return body;
  }

  private static ObjectNode money(long minor, String currency) {
    return Json.object()
        .put("currency_code", currency)
        .put("value", Money.decimal(minor, currency));
  }

  private ObjectNode captureView(Payment p) {
    ObjectNode n =
        Json.object()
            .put("id", p.attr("capture_id"))
            .put(
                "status",
                p.status.equals("COMPLETED")
                    ? (p.refundedAmount == 0
                        ? "COMPLETED"
                        : p.netCharged() == 0 ? "REFUNDED" : "PARTIALLY_REFUNDED")
                    : "DECLINED")
            .put("custom_id", p.reference);
    if (!p.status.equals("COMPLETED") && p.failureCode != null) {
      // As PayPal's capture resource: why a capture was denied.
      n.putObject("status_details").put("reason", p.failureCode);
    }
    n.set("amount", money(p.amount, p.currency));
    n.putObject("supplementary_data").putObject("related_ids").put("order_id", p.id);
    return n;
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("id", p.id)
            .put("intent", "CAPTURE")
            .put("status", p.status)
            .put("create_time", Instant.ofEpochMilli(p.createdMs).toString());
    ObjectNode unit = n.putArray("purchase_units").addObject().put("reference_id", p.reference);
    unit.set("amount", money(p.amount, p.currency));
    if (p.attr("capture_id") != null) {
      unit.putObject("payments").putArray("captures").add(captureView(p));
    }
    if (p.failureCode != null) {
      n.put("status_reason", p.failureCode);
    }
    ArrayNode links = n.putArray("links");
    links
        .addObject()
        .put("rel", "self")
        .put("method", "GET")
        .put("href", "/paywallet/v2/checkout/orders/" + p.id);
    if (p.status.equals("PAYER_ACTION_REQUIRED")) {
      links
          .addObject()
          .put("rel", "payer-action")
          .put("method", "GET")
          .put("href", p.attr("approve_url"));
    }
    return n;
  }
}

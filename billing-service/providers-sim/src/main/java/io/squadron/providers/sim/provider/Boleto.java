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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code boleto}: Brazilian boleto bancário, a voucher the payer pays at a bank or in an app.
 * Registration checks the payer's CPF and returns the 44-digit barcode and the 47-digit typeable
 * line; the payer pays it (customer action {@code pay}); the bank clears the payment one simulated
 * day later (event {@code boleto.paid}: money in). Unpaid, it expires at the end of the second day
 * after its due date (event {@code boleto.expired}); the merchant can cancel it while unpaid. BRL
 * only.
 */
public final class Boleto extends Provider {
  private static final long DAY_MS = 86_400_000L;
  private static final LocalDate FACTOR_BASE = LocalDate.of(1997, 10, 7);
  private static final List<String> CODES =
      List.of("registration_rejected", "payer_document_blocked");

  /** The provider. */
  public Boleto() {
    super("boleto", "Boleto", "voucher (boleto bancário, expires unpaid)", new Fees(0, 350, 0));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/boletos", this::create)
        .get(
            "/v1/boletos/{id}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("id"), "boleto"))))
        .post("/v1/boletos/{id}/cancel", this::cancel);
  }

  private ApiResponse create(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    long amount =
        Money.amount(Json.requiredLong(b, "amount", "amount", 1, 99_999_999_99L), "amount");
    Money.currency(Json.requiredString(b, "currency", "currency", 3), "currency", Set.of("BRL"));
    String reference = Json.requiredString(b, "reference", "reference", 64);
    String due = Json.requiredString(b, "due_date", "due_date", 10);
    LocalDate dueDate;
    try {
      dueDate = LocalDate.parse(due);
    } catch (DateTimeParseException e) {
      throw ApiError.badField("due_date", "'" + due + "' (expected: YYYY-MM-DD)");
    }
    LocalDate today = Instant.ofEpochMilli(ctx.now()).atZone(ZoneOffset.UTC).toLocalDate();
    if (dueDate.isBefore(today) || dueDate.isAfter(today.plusDays(365))) {
      throw ApiError.badField(
          "due_date", due + " (expected: today " + today + " to a year from now)");
    }
    ObjectNode payer = Json.requiredObject(b, "payer", "payer");
    String name = Json.requiredString(payer, "name", "payer.name", 100);
    String document =
        Json.requiredString(payer, "document", "payer.document", 18).replaceAll("[.\\-/]", "");
    if (!Checks.cpf(document)) {
      throw new ApiError(
          400,
          "invalid_document",
          "payer.document: not a valid CPF (11 digits with check digits)",
          "payer.document");
    }
    String id = ctx.keyedId("bol_", "boleto");
    String code = ctx.injectedDecline(id, "register");
    if (code != null) {
      throw new ApiError(422, code, "the bank refused to register the boleto (" + code + ")");
    }
    Payment p = ctx.newPayment(id, reference, amount, "BRL", "registered", Phase.PENDING);
    p.attrs.put("payer_name", name);
    p.attrs.put("due_date", dueDate.toString());
    String barcode = barcode(ctx, p, dueDate);
    p.attrs.put("barcode", barcode);
    p.attrs.put("digitable_line", digitableLine(barcode));
    p.attrs.put("pdf_url", ctx.publicUrl() + "/boleto/pdf/" + p.id);
    p.expiresMs = dueDate.plusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    ctx.schedule(p, "expire", p.expiresMs);
    ctx.awaitCustomer(p);
    ctx.emit(p, "boleto.registered");
    return ApiResponse.created(view(p));
  }

  /** Bank 999, currency 9, check digit, due factor, amount (10 digits), free field (25 digits). */
  private static String barcode(Ctx ctx, Payment p, LocalDate due) {
    long factor = 1000 + Math.floorMod(ChronoUnit.DAYS.between(FACTOR_BASE, due) - 1000, 9000);
    StringBuilder free = new StringBuilder(25);
    for (char c : ctx.id("", 25, p.id, "free-field").toCharArray()) {
      free.append(Character.digit(c, 36) % 10);
    }
    String amount = String.format(Locale.ROOT, "%010d", p.amount);
    String withoutDv = "9999" + String.format(Locale.ROOT, "%04d", factor) + amount + free;
    int dv = Checks.mod11(withoutDv);
    return withoutDv.substring(0, 4) + dv + withoutDv.substring(4);
  }

  private static String digitableLine(String barcode) {
    String f1 = barcode.substring(0, 4) + barcode.substring(19, 24);
    String f2 = barcode.substring(24, 34);
    String f3 = barcode.substring(34, 44);
    return f1
        + Checks.mod10(f1)
        + f2
        + Checks.mod10(f2)
        + f3
        + Checks.mod10(f3)
        + barcode.charAt(4)
        + barcode.substring(5, 19);
  }

  private ApiResponse cancel(Ctx ctx, ApiRequest req) {
    Payment p = require(ctx, req.param("id"), "boleto");
    if (!p.status.equals("registered")) {
      throw new ApiError(
          409, "not_cancelable", "boleto " + p.id + " is " + p.status + " (expected: registered)");
    }
    ctx.cancelTimers(p);
    ctx.fail(p, "canceled", Phase.CANCELED, "canceled_by_merchant");
    ctx.emit(p, "boleto.canceled");
    return ApiResponse.ok(view(p));
  }

  @Override
  public List<String> customerActions() {
    return List.of("pay");
  }

  @Override
  public String autoApproveAction() {
    return "pay";
  }

  @Override
  public String autoDeclineAction() {
    return "ignore";
  }

  @Override
  public void onCustomer(Ctx ctx, Payment p, String action, ObjectNode body) {
    if (action.equals("ignore")) {
      return; // the automatic customer never pays: the boleto expires
    }
    if (!action.equals("pay")) {
      super.onCustomer(ctx, p, action, body);
    }
    if (!p.status.equals("registered") || ctx.now() >= p.expiresMs) {
      throw new ApiError(
          409,
          "not_payable",
          "boleto "
              + p.id
              + " is "
              + p.status
              + (p.status.equals("registered") ? " but past its payment deadline" : "")
              + " (expected: registered)");
    }
    ctx.cancelTimers(p);
    p.attrs.put("paid_at", ctx.nowIso());
    ctx.set(p, "paid_awaiting_clearing", Phase.PENDING);
    ctx.schedule(p, "clear", ctx.now() + DAY_MS);
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (action.equals("expire") && p.status.equals("registered")) {
      ctx.cancelTimers(p);
      ctx.fail(p, "expired", Phase.EXPIRED, "expired_unpaid");
      ctx.emit(p, "boleto.expired");
    } else if (action.equals("clear") && p.status.equals("paid_awaiting_clearing")) {
      ctx.capture(p, p.amount, p.id);
      ctx.set(p, "paid", Phase.SUCCEEDED);
      ctx.emit(p, "boleto.paid");
    }
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    ObjectNode body = Json.object();
    ObjectNode error =
        body.putArray("errors").addObject().put("code", e.code()).put("message", e.getMessage());
    if (e.field() != null) {
      error.put("field", e.field());
    }
    return body;
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("id", p.id)
            .put("status", p.status)
            .put("amount", p.amount)
            .put("currency", p.currency)
            .put("reference", p.reference)
            .put("due_date", p.attr("due_date"))
            .put("expires_at", Instant.ofEpochMilli(p.expiresMs).toString())
            .put("barcode", p.attr("barcode"))
            .put("digitable_line", p.attr("digitable_line"))
            .put("pdf_url", p.attr("pdf_url"))
            .put("paid_at", p.attr("paid_at"));
    if (p.failureCode != null) {
      n.put("status_reason", p.failureCode);
    }
    return n;
  }
}

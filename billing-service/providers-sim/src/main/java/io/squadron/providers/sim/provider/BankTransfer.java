package io.squadron.providers.sim.provider;

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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code banktransfer}: invoice paid by bank transfer, reconciled by reference. An invoice gets
 * payment instructions (a collection IBAN and an ISO 11649 creditor reference {@code RF..}); the
 * payer transfers (customer action {@code transfer}, any amount, by default the open amount with
 * the invoice's reference), the bank books the credit the next simulated day and the provider
 * matches it by reference (the RF reference or the merchant's invoice reference, ignoring case and
 * spaces): {@code paid}, {@code partially_paid} or {@code overpaid}. Credits that match no invoice
 * stay {@code unmatched} (statement and settlement report). Unpaid at the due date the invoice
 * becomes {@code overdue} (still payable). Bank statements per day: {@code GET
 * /v1/statements?date=}.
 */
public final class BankTransfer extends Provider {
  /** The record kind of credits that matched no invoice. */
  public static final String UNMATCHED = "unmatched";

  private static final long DAY_MS = 86_400_000L;
  private static final String COLLECTION_IBAN = "DE02120300000000202051";
  private static final List<String> CODES = List.of("AC01", "AG01");

  /** The provider. */
  public BankTransfer() {
    super(
        "banktransfer",
        "BankTransfer",
        "invoice / bank transfer (reconciled by reference)",
        new Fees(0, 0, 0));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/invoices", this::invoice)
        .get(
            "/v1/invoices/{id}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("id"), "invoice"))))
        .post("/v1/invoices/{id}/cancel", this::cancel)
        .get("/v1/statements", this::statement);
  }

  private static String normalize(String reference) {
    return reference.replace(" ", "").toUpperCase(Locale.ROOT);
  }

  private ApiResponse invoice(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    long amount =
        Money.amount(Json.requiredLong(b, "amount", "amount", 1, Money.MAX_MINOR), "amount");
    String currency =
        Money.currency(
            Json.requiredString(b, "currency", "currency", 3), "currency", Set.of("EUR"));
    String reference = Json.requiredString(b, "reference", "reference", 35);
    long dueDays = Json.optionalLong(b, "due_days", "due_days", 1, 90, 14);
    if (ctx.state().record("ref", normalize(reference)) != null) {
      throw new ApiError(
          409,
          "duplicate_reference",
          "reference: "
              + reference
              + " is already used by invoice "
              + ctx.state().record("ref", normalize(reference)).get("invoice"),
          "reference");
    }
    String id = ctx.keyedId("inv_", "invoice");
    String rf = Checks.creditorReference(ctx.id("", 12, id, "rf").toUpperCase(Locale.ROOT));
    Payment p = ctx.newPayment(id, reference, amount, currency, "open", Phase.PENDING);
    p.attrs.put("rf", rf);
    p.attrs.put("paid", "0");
    p.expiresMs = ctx.now() + dueDays * DAY_MS;
    p.attrs.put(
        "due_date",
        Instant.ofEpochMilli(p.expiresMs).atZone(ZoneOffset.UTC).toLocalDate().toString());
    ctx.save(new Record("ref", normalize(rf)).put("invoice", id));
    ctx.save(new Record("ref", normalize(reference)).put("invoice", id));
    ctx.schedule(p, "due", p.expiresMs);
    ctx.awaitCustomer(p);
    return ApiResponse.created(view(p));
  }

  private ApiResponse cancel(Ctx ctx, ApiRequest req) {
    Payment p = require(ctx, req.param("id"), "invoice");
    if (!p.status.equals("open") && !p.status.equals("overdue")) {
      throw new ApiError(
          409,
          "not_cancelable",
          "invoice " + p.id + " is " + p.status + " (expected: open or " + "overdue)");
    }
    ctx.cancelTimer(p, "due");
    ctx.set(p, "canceled", Phase.CANCELED);
    ctx.emit(p, "invoice.canceled");
    return ApiResponse.ok(view(p));
  }

  private ApiResponse statement(Ctx ctx, ApiRequest req) {
    String raw = req.query().get("date");
    LocalDate date;
    try {
      date =
          raw == null
              ? Instant.ofEpochMilli(ctx.now()).atZone(ZoneOffset.UTC).toLocalDate()
              : LocalDate.parse(raw);
    } catch (DateTimeParseException e) {
      throw ApiError.badField("date", "'" + raw + "' (expected: YYYY-MM-DD)");
    }
    ObjectNode out = Json.object().put("iban", COLLECTION_IBAN).put("date", date.toString());
    ArrayNode entries = out.putArray("entries");
    ctx.state().records("line").stream()
        .filter(l -> l.get("booking_date").equals(date.toString()))
        .sorted(
            (a, c) -> Long.compare(Long.parseLong(a.get("at_ms")), Long.parseLong(c.get("at_ms"))))
        .forEach(
            l ->
                entries
                    .addObject()
                    .put("entry_id", l.id)
                    .put("booking_date", l.get("booking_date"))
                    .put("amount", Long.parseLong(l.get("amount")))
                    .put("currency", l.get("currency"))
                    .put("remittance_reference", l.get("reference"))
                    .put("matched_invoice", l.get("invoice")));
    return ApiResponse.ok(out);
  }

  /** Books a credit: a statement line, matched to an invoice by reference, or kept as unmatched. */
  private void book(Ctx ctx, String lineId, long amount, String currency, String reference) {
    String date = Instant.ofEpochMilli(ctx.now()).atZone(ZoneOffset.UTC).toLocalDate().toString();
    Record line =
        new Record("line", lineId)
            .put("amount", Long.toString(amount))
            .put("currency", currency)
            .put("reference", reference)
            .put("booking_date", date)
            .put("at_ms", Long.toString(ctx.now()));
    Record ref = ctx.state().record("ref", normalize(reference));
    Payment p = ref == null ? null : ctx.state().payment(ref.get("invoice"));
    if (p == null || !p.currency.equals(currency)) {
      ctx.save(
          new Record(UNMATCHED, lineId)
              .put("amount", Long.toString(amount))
              .put("currency", currency)
              .put("reference", reference)
              .put("at_ms", Long.toString(ctx.now())));
      ctx.save(line);
      return;
    }
    line.put("invoice", p.id);
    ctx.save(line);
    long paid = Long.parseLong(p.attr("paid")) + amount;
    p.attrs.put("paid", Long.toString(paid));
    ctx.capture(p, amount, lineId);
    ctx.cancelTimer(p, "due");
    if (paid < p.amount) {
      ctx.set(p, "partially_paid", Phase.PENDING);
      ctx.emit(p, "invoice.partially_paid");
    } else {
      ctx.set(p, paid == p.amount ? "paid" : "overpaid", Phase.SUCCEEDED);
      ctx.emit(p, paid == p.amount ? "invoice.paid" : "invoice.overpaid");
    }
  }

  @Override
  public List<String> customerActions() {
    return List.of("transfer");
  }

  @Override
  public String autoApproveAction() {
    return "transfer";
  }

  @Override
  public String autoDeclineAction() {
    return "ignore";
  }

  @Override
  public void onCustomer(Ctx ctx, Payment p, String action, ObjectNode body) {
    if (action.equals("ignore")) {
      return; // the automatic customer never pays: the invoice goes overdue
    }
    if (!action.equals("transfer")) {
      super.onCustomer(ctx, p, action, body);
    }
    long open = Math.max(1, p.amount - Long.parseLong(p.attr("paid")));
    long amount = Json.optionalLong(body, "amount", "amount", 1, Money.MAX_MINOR, open);
    String reference = Json.optionalString(body, "reference", "reference", 140);
    int n = p.timers.size() + p.movements.size() + 1;
    String transfer =
        "book:" + n + ":" + amount + ":" + (reference == null ? p.attr("rf") : reference);
    ctx.schedule(p, transfer, ctx.now() + DAY_MS);
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (action.equals("due") && (p.status.equals("open") || p.status.equals("partially_paid"))) {
      ctx.set(p, "overdue", Phase.PENDING);
      ctx.emit(p, "invoice.overdue");
    } else if (action.startsWith("book:")) {
      String[] parts = action.split(":", 4);
      String lineId = ctx.id("ln_", 16, p.id, parts[1]);
      String code = ctx.injectedDecline(lineId, "book");
      if (code != null) {
        p.attrs.put("last_returned_transfer", lineId + ":" + code);
        ctx.save(p);
        ctx.emit(p, "invoice.transfer_returned");
        return;
      }
      book(ctx, lineId, Long.parseLong(parts[2]), p.currency, parts[3]);
    }
  }

  @Override
  public List<String> controlOperations() {
    return List.of("incoming-transfer");
  }

  @Override
  public ObjectNode control(Ctx ctx, String operation, ObjectNode body) {
    if (!operation.equals("incoming-transfer")) {
      return super.control(ctx, operation, body);
    }
    long amount =
        Money.amount(Json.requiredLong(body, "amount", "amount", 1, Money.MAX_MINOR), "amount");
    String currency =
        Money.currency(Json.requiredString(body, "currency", "currency", 3), "currency");
    String reference = Json.requiredString(body, "reference", "reference", 140);
    String lineId =
        ctx.id(
            "ln_",
            16,
            "incoming",
            Integer.toString(ctx.state().records("line").size()),
            reference,
            Long.toString(ctx.now()));
    book(ctx, lineId, amount, currency, reference);
    Record line = ctx.state().record("line", lineId);
    return Json.object().put("entry_id", lineId).put("matched_invoice", line.get("invoice"));
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode view(Payment p) {
    long paid = Long.parseLong(p.attr("paid"));
    ObjectNode n =
        Json.object()
            .put("invoice_id", p.id)
            .put("status", p.status)
            .put("amount", p.amount)
            .put("currency", p.currency)
            .put("reference", p.reference)
            .put("amount_paid", paid)
            .put("amount_open", Math.max(0, p.amount - paid))
            .put("due_date", p.attr("due_date"))
            .put("created", Instant.ofEpochMilli(p.createdMs).toString());
    n.putObject("payment_instructions")
        .put("iban", COLLECTION_IBAN)
        .put("bic", "SIMUDEFFXXX")
        .put("beneficiary", "Squadron Sim Merchant")
        .put("remittance_reference", p.attr("rf"));
    if (p.attr("last_returned_transfer") != null) {
      n.put("last_returned_transfer", p.attr("last_returned_transfer"));
    }
    return n;
  }
}

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
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code sepadebit}: SEPA Core direct debit. A mandate (IBAN checked, mod 97) allows debits in EUR.
 * A debit is {@code pending_submission}, {@code submitted} to the bank after 1 simulated day and
 * {@code confirmed} after 3 (event {@code debit.confirmed}: money in) or {@code failed} with an
 * R-code. A confirmed debit can still be {@code returned} (event {@code debit.returned}, R-code,
 * return fee) within 8 weeks: by a test IBAN 5 days after confirmation, or whenever the payer's
 * bank sends a return (customer action {@code return}).
 *
 * <p>Test IBANs: DE89370400440532013000 confirms; DE62370400440532013001 fails AM04 (insufficient
 * funds); DE35370400440532013002 confirms, then is returned MD06 (refund requested by the debtor)
 * after 5 days; DE08370400440532013003 fails AC04 (account closed).
 */
public final class SepaDebit extends Provider {
  private static final long DAY_MS = 86_400_000L;
  private static final long RETURN_WINDOW_MS = 56 * DAY_MS;
  private static final Pattern END_TO_END = Pattern.compile("[A-Za-z0-9/\\-?:().,'+ ]{1,35}");
  private static final Set<String> SEPA_COUNTRIES =
      Set.of(
          "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR",
          "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MT", "NL", "NO", "PL", "PT", "RO",
          "SE", "SI", "SK", "SM");
  private static final Map<String, String> TEST_FAILURES =
      Map.of(
          "DE62370400440532013001", "AM04",
          "DE08370400440532013003", "AC04");
  private static final String RETURNED_IBAN = "DE35370400440532013002";
  private static final List<String> CODES =
      List.of("AM04", "AC04", "AC06", "MD01", "MS02", "MD06", "SL01");

  /** The provider. */
  public SepaDebit() {
    super(
        "sepadebit",
        "SepaDebit",
        "SEPA direct debit (mandate, confirmation days later, returns)",
        new Fees(35, 0, 350));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/mandates", this::mandate)
        .get(
            "/v1/mandates/{id}",
            (ctx, req) -> ApiResponse.ok(mandateView(requireMandate(ctx, req.param("id")))))
        .post("/v1/mandates/{id}/cancel", this::cancelMandate)
        .post("/v1/debits", this::debit)
        .get(
            "/v1/debits/{id}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("id"), "debit"))));
  }

  private static Record requireMandate(Ctx ctx, String id) {
    Record m = ctx.state().record("mandate", id);
    if (m == null) {
      throw ApiError.notFound("mandate", id);
    }
    return m;
  }

  private ApiResponse mandate(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String raw = Json.requiredString(b, "iban", "iban", 42);
    String iban = Checks.iban(raw);
    if (iban == null) {
      throw new ApiError(
          400, "invalid_iban", "iban: not a valid IBAN (format or check digits)", "iban");
    }
    if (!SEPA_COUNTRIES.contains(iban.substring(0, 2))) {
      throw new ApiError(
          400,
          "iban_not_sepa",
          "iban: " + iban.substring(0, 2) + " is not in the SEPA zone",
          "iban");
    }
    String holder = Json.requiredString(b, "account_holder", "account_holder", 70);
    String reference = Json.optionalString(b, "reference", "reference", 35);
    Record m =
        new Record("mandate", ctx.keyedId("MD", "mandate").toUpperCase())
            .put("iban", iban)
            .put("account_holder", holder)
            .put("status", "active")
            .put("signed_at", ctx.nowIso());
    if (reference != null) {
      m.put("reference", reference);
    }
    ctx.save(m);
    return ApiResponse.created(mandateView(m));
  }

  private ApiResponse cancelMandate(Ctx ctx, ApiRequest req) {
    Record m = requireMandate(ctx, req.param("id"));
    m.put("status", "cancelled");
    ctx.save(m);
    return ApiResponse.ok(mandateView(m));
  }

  private static ObjectNode mandateView(Record m) {
    String iban = m.get("iban");
    return Json.object()
        .put("id", m.id)
        .put("status", m.get("status"))
        .put("scheme", "sepa_core")
        .put("iban_last4", iban.substring(iban.length() - 4))
        .put("account_holder", m.get("account_holder"))
        .put("reference", m.get("reference"))
        .put("signed_at", m.get("signed_at"));
  }

  private ApiResponse debit(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String mandateId = Json.requiredString(b, "mandate_id", "mandate_id", 64);
    Record mandate = ctx.state().record("mandate", mandateId);
    if (mandate == null) {
      throw new ApiError(
          400, "mandate_not_found", "mandate_id: no mandate " + mandateId, "mandate_id");
    }
    if (!mandate.get("status").equals("active")) {
      throw new ApiError(
          422,
          "mandate_inactive",
          "mandate_id: mandate " + mandateId + " is " + mandate.get("status"),
          "mandate_id");
    }
    long amount =
        Money.amount(Json.requiredLong(b, "amount", "amount", 1, Money.MAX_MINOR), "amount");
    String currency =
        Money.currency(
            Json.requiredString(b, "currency", "currency", 3), "currency", Set.of("EUR"));
    String e2e =
        Json.requiredMatching(
            b,
            "end_to_end_id",
            "end_to_end_id",
            END_TO_END,
            "a SEPA end-to-end id (1..35 characters of the SEPA character set)");
    Payment p =
        ctx.newPayment(
            ctx.keyedId("DD", "debit").toUpperCase(),
            e2e,
            amount,
            currency,
            "pending_submission",
            Phase.PENDING);
    p.attrs.put("mandate_id", mandateId);
    p.attrs.put("iban", mandate.get("iban"));
    p.attrs.put(
        "collection_date",
        Instant.ofEpochMilli(ctx.now() + 3 * DAY_MS).toString().substring(0, 10));
    ctx.schedule(p, "submit", ctx.now() + DAY_MS);
    ctx.emit(p, "debit.created");
    return ApiResponse.created(view(p));
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    switch (action) {
      case "submit" -> {
        if (p.status.equals("pending_submission")) {
          ctx.set(p, "submitted", Phase.PENDING);
          ctx.schedule(p, "confirm", ctx.now() + 2 * DAY_MS);
          ctx.emit(p, "debit.submitted");
        }
      }
      case "confirm" -> {
        if (!p.status.equals("submitted")) {
          return;
        }
        String code = ctx.injectedDecline(p.id, "confirm");
        if (code == null) {
          code = TEST_FAILURES.get(p.attr("iban"));
        }
        if (code != null) {
          ctx.fail(p, "failed", Phase.FAILED, code);
          ctx.emit(p, "debit.failed");
          return;
        }
        ctx.capture(p, p.amount, p.id);
        p.attrs.put("confirmed_ms", Long.toString(ctx.now()));
        ctx.set(p, "confirmed", Phase.SUCCEEDED);
        if (RETURNED_IBAN.equals(p.attr("iban"))) {
          p.attrs.put("return_code", "MD06");
          ctx.schedule(p, "return", ctx.now() + 5 * DAY_MS);
        }
        ctx.emit(p, "debit.confirmed");
      }
      case "return" -> {
        if (p.status.equals("confirmed")) {
          doReturn(ctx, p, p.attr("return_code"));
        }
      }
      default -> {}
    }
  }

  private void doReturn(Ctx ctx, Payment p, String code) {
    ctx.reverse(p, "return", p.id + "-R");
    ctx.cancelTimers(p);
    ctx.fail(p, "returned", Phase.RETURNED, code);
    ctx.emit(p, "debit.returned");
  }

  @Override
  public List<String> customerActions() {
    return List.of("return");
  }

  @Override
  public void onCustomer(Ctx ctx, Payment p, String action, ObjectNode body) {
    if (!action.equals("return")) {
      super.onCustomer(ctx, p, action, body);
    }
    if (!p.status.equals("confirmed")) {
      throw new ApiError(
          409, "not_returnable", "debit " + p.id + " is " + p.status + " (expected: confirmed)");
    }
    if (ctx.now() > Long.parseLong(p.attr("confirmed_ms")) + RETURN_WINDOW_MS) {
      throw new ApiError(
          409, "return_window_closed", "debit " + p.id + " was confirmed more than 8 weeks ago");
    }
    String code = Json.optionalString(body, "code", "code", 4);
    if (code == null) {
      code = "MD06";
    }
    if (!CODES.contains(code)) {
      throw ApiError.badField(
          "code", "'" + code + "' is not an R-code (expected: one of " + CODES + ")");
    }
    doReturn(ctx, p, code);
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode view(Payment p) {
    String iban = p.attr("iban");
    ObjectNode n =
        Json.object()
            .put("id", p.id)
            .put("status", p.status)
            .put("amount", p.amount)
            .put("currency", p.currency)
            .put("end_to_end_id", p.reference)
            .put("mandate_id", p.attr("mandate_id"))
            .put("iban_last4", iban.substring(iban.length() - 4))
            .put("collection_date", p.attr("collection_date"))
            .put("created_at", Instant.ofEpochMilli(p.createdMs).toString());
    if (p.failureCode != null) {
      n.put(p.status.equals("returned") ? "return_code" : "failure_code", p.failureCode);
    }
    return n;
  }
}

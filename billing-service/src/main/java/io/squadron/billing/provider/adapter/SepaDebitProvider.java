package io.squadron.billing.provider.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.ProviderPhase;
import io.squadron.billing.provider.Json;
import io.squadron.billing.provider.PaymentProvider;
import io.squadron.billing.provider.ProviderCapabilities;
import io.squadron.billing.provider.ProviderHttp;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.SepaDebitDetails;
import java.util.Optional;
import java.util.Set;

/**
 * {@code sepadebit}: SEPA Core direct debit. Billing signs a mandate for the payer's IBAN, then
 * debits under it (both calls idempotent, so a repeated start reuses both). The debit is submitted
 * after a day and confirmed or failed (R-code) after three; a confirmed debit can be returned
 * within eight weeks (the payment becomes DISPUTED and the ledger books the return and its fee). No
 * refund call: a return is the payer's refund.
 */
public final class SepaDebitProvider extends AbstractProvider {
  /** An adapter over {@code http}. */
  public SepaDebitProvider(ProviderHttp http) {
    super(
        http,
        PaymentMethodType.SEPA_DEBIT,
        ProviderCapabilities.basic()
            .withCurrencies(Set.of("EUR"))
            .withRefunds(ProviderCapabilities.Refunds.NONE));
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    SepaDebitDetails account = call.instrument().getSepaDebit();
    ProviderHttp.Response mandate =
        http.post(
            "mandate",
            "/v1/mandates",
            PaymentProvider.key(p, "mandate"),
            Json.object()
                .put("iban", account.getIban())
                .put("account_holder", account.getAccountHolder())
                .put("reference", p.attemptReference()));
    if (!mandate.ok()) {
      return invalid(mandate.text("error/code"));
    }
    String mandateId = mandate.text("id");
    ProviderHttp.Response r =
        http.post(
            "create",
            "/v1/debits",
            PaymentProvider.key(p, "debit"),
            Json.object()
                .put("mandate_id", mandateId)
                .put("amount", p.amount())
                .put("currency", p.currency())
                .put("end_to_end_id", p.attemptReference()));
    if (!r.ok()) {
      return invalid(r.text("error/code"));
    }
    Observation o = view(r.body());
    return Observation.of(o.phase())
        .providerRef(o.providerRef().orElse(null))
        .data("mandate", mandateId)
        .build();
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v1/debits/" + ref(p));
    if (!r.ok()) {
      throw rejected(r, "error/code", "error/message");
    }
    return view(r.body());
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "id")),
            Optional.ofNullable(text(object, "end_to_end_id")),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String id = text(v, "id");
    return switch (String.valueOf(text(v, "status"))) {
      case "confirmed" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(id)
              .captured(number(v, "amount"))
              .build();
      case "failed" -> failed(ProviderPhase.FAILED, text(v, "failure_code"), id);
      case "returned" ->
          Observation.of(ProviderPhase.RETURNED)
              .providerRef(id)
              .captured(number(v, "amount"))
              .failure(Declines.reason(text(v, "return_code")), text(v, "return_code"))
              .build();
      default -> Observation.of(ProviderPhase.PENDING).providerRef(id).build();
    };
  }
}

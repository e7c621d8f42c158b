package io.squadron.billing.provider.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.ProviderPhase;
import io.squadron.billing.provider.Json;
import io.squadron.billing.provider.PaymentProvider;
import io.squadron.billing.provider.ProviderCapabilities;
import io.squadron.billing.provider.ProviderHttp;
import io.squadron.proto.billing.v1.DisplayBankTransfer;
import io.squadron.proto.billing.v1.NextAction;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

/**
 * {@code banktransfer}: an invoice paid by bank transfer, matched by its reference. The payer
 * transfers (possibly in parts, possibly too much); each booked credit raises the captured amount.
 * An invoice never expires at the provider (overdue is still payable), so billing cancels it itself
 * once its own deadline passed ({@value #DUE_DAYS} days plus the reconciler's grace).
 */
public final class BankTransferProvider extends AbstractProvider {
  static final int DUE_DAYS = 14;

  /** An adapter over {@code http}. */
  public BankTransferProvider(ProviderHttp http) {
    super(
        http,
        PaymentMethodType.BANK_TRANSFER,
        ProviderCapabilities.basic()
            .withCurrencies(Set.of("EUR"))
            .withRefunds(ProviderCapabilities.Refunds.NONE));
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    ProviderHttp.Response r =
        http.post(
            "create",
            "/v1/invoices",
            PaymentProvider.key(p, "create"),
            Json.object()
                .put("amount", p.amount())
                .put("currency", p.currency())
                .put("reference", p.attemptReference())
                .put("due_days", DUE_DAYS));
    if (!r.ok()) {
      return invalid(r.text("error/code"));
    }
    return view(r.body());
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v1/invoices/" + ref(p));
    if (!r.ok()) {
      throw rejected(r, "error/code", "error/message");
    }
    return view(r.body());
  }

  @Override
  public Observation cancel(PaymentRecord p) {
    ProviderHttp.Response r =
        http.post(
            "cancel",
            "/v1/invoices/" + ref(p) + "/cancel",
            PaymentProvider.key(p, "cancel"),
            Json.object());
    if (!r.ok()) {
      throw rejected(r, "error/code", "error/message");
    }
    return view(r.body());
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "invoice_id")),
            Optional.ofNullable(text(object, "reference")),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String id = text(v, "invoice_id");
    long paid = number(v, "amount_paid");
    return switch (String.valueOf(text(v, "status"))) {
      case "open", "overdue" -> {
        String due = text(v, "due_date");
        yield Observation.of(ProviderPhase.ACTION_REQUIRED)
            .providerRef(id)
            .expiresAt(
                due == null
                    ? null
                    : LocalDate.parse(due).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())
            .nextAction(
                NextAction.newBuilder()
                    .setDisplayBankTransfer(
                        DisplayBankTransfer.newBuilder()
                            .setIban(String.valueOf(text(v, "payment_instructions/iban")))
                            .setBic(String.valueOf(text(v, "payment_instructions/bic")))
                            .setBeneficiary(
                                String.valueOf(text(v, "payment_instructions/beneficiary")))
                            .setRemittanceReference(
                                String.valueOf(
                                    text(v, "payment_instructions/remittance_reference")))
                            .setDueDate(due == null ? "" : due))
                    .build())
            .build();
      }
      case "partially_paid" ->
          Observation.of(ProviderPhase.PENDING).providerRef(id).captured(paid).build();
      case "paid", "overpaid" ->
          Observation.of(ProviderPhase.SUCCEEDED).providerRef(id).captured(paid).build();
      case "canceled" -> failed(ProviderPhase.CANCELED, "canceled", id);
      default -> Observation.of(ProviderPhase.PENDING).providerRef(id).build();
    };
  }
}

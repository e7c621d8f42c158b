package io.squadron.billing.provider.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.ProviderPhase;
import io.squadron.billing.provider.Json;
import io.squadron.billing.provider.PaymentProvider;
import io.squadron.billing.provider.ProviderCapabilities;
import io.squadron.billing.provider.ProviderHttp;
import io.squadron.proto.billing.v1.BoletoDetails;
import io.squadron.proto.billing.v1.DisplayVoucher;
import io.squadron.proto.billing.v1.NextAction;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

/**
 * {@code boleto}: a Brazilian voucher the payer pays at a bank. Billing registers it with a due
 * date {@value #DUE_DAYS} days after the payment was created (derived from the stored creation
 * time, so a repeated start registers the same boleto); the payer pays; the bank clears it a day
 * later. Unpaid, it expires two days after the due date. No refunds; cancellation while unpaid.
 */
public final class BoletoProvider extends AbstractProvider {
  static final int DUE_DAYS = 3;

  /** An adapter over {@code http}. */
  public BoletoProvider(ProviderHttp http) {
    super(
        http,
        PaymentMethodType.BOLETO,
        ProviderCapabilities.basic()
            .withCurrencies(Set.of("BRL"))
            .withRefunds(ProviderCapabilities.Refunds.NONE)
            .withMaxAmount(99_999_999_99L, 1));
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    BoletoDetails payer = call.instrument().getBoleto();
    String due = p.createdAt().atZone(ZoneOffset.UTC).toLocalDate().plusDays(DUE_DAYS).toString();
    var body =
        Json.object()
            .put("amount", p.amount())
            .put("currency", p.currency())
            .put("due_date", due)
            .put("reference", p.attemptReference());
    body.putObject("payer")
        .put("name", payer.getPayerName())
        .put("document", payer.getPayerDocument());
    ProviderHttp.Response r =
        http.post("create", "/v1/boletos", PaymentProvider.key(p, "create"), body);
    if (r.status() == 422) {
      return failed(ProviderPhase.FAILED, r.text("errors/0/code"), null);
    }
    if (!r.ok()) {
      return invalid(r.text("errors/0/code"));
    }
    return view(r.body());
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v1/boletos/" + ref(p));
    if (!r.ok()) {
      throw rejected(r, "errors/0/code", "errors/0/message");
    }
    return view(r.body());
  }

  @Override
  public Observation cancel(PaymentRecord p) {
    ProviderHttp.Response r =
        http.post(
            "cancel",
            "/v1/boletos/" + ref(p) + "/cancel",
            PaymentProvider.key(p, "cancel"),
            Json.object());
    if (!r.ok()) {
      throw rejected(r, "errors/0/code", "errors/0/message");
    }
    return view(r.body());
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "id")),
            Optional.ofNullable(text(object, "reference")),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String id = text(v, "id");
    Instant expires = Json.instant(v, "expires_at");
    return switch (String.valueOf(text(v, "status"))) {
      case "registered" -> {
        DisplayVoucher.Builder voucher =
            DisplayVoucher.newBuilder()
                .setBarcode(String.valueOf(text(v, "barcode")))
                .setDigitableLine(String.valueOf(text(v, "digitable_line")))
                .setPdfUrl(String.valueOf(text(v, "pdf_url")));
        if (expires != null) {
          voucher.setExpiresAt(Timestamp.newBuilder().setSeconds(expires.getEpochSecond()));
        }
        yield Observation.of(ProviderPhase.ACTION_REQUIRED)
            .providerRef(id)
            .expiresAt(expires)
            .nextAction(NextAction.newBuilder().setDisplayVoucher(voucher).build())
            .build();
      }
      case "paid" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(id)
              .captured(number(v, "amount"))
              .build();
      case "expired" -> failed(ProviderPhase.EXPIRED, text(v, "status_reason"), id);
      case "canceled" -> failed(ProviderPhase.CANCELED, text(v, "status_reason"), id);
      default -> Observation.of(ProviderPhase.PENDING).providerRef(id).build();
    };
  }
}

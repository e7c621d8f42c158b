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
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code mobilemoney}: an M-Pesa-like STK push (PascalCase, whole shillings). The request is only
 * accepted; the payer answers a PIN prompt on the phone; the result comes in the callback or the
 * status query (which answers HTTP 500 {@code 500.001.1001} while the request is still being
 * processed). Amounts must be whole shillings.
 */
public final class MobileMoneyProvider extends AbstractProvider {
  private static final Duration PROMPT_TIMEOUT = Duration.ofSeconds(60);
  private final String shortCode;

  /** An adapter over {@code http}, collecting to the business short code {@code shortCode}. */
  public MobileMoneyProvider(ProviderHttp http, String shortCode) {
    super(
        http,
        PaymentMethodType.MOBILE_MONEY,
        ProviderCapabilities.basic()
            .withCurrencies(Set.of("KES"))
            .withRefunds(ProviderCapabilities.Refunds.NONE)
            .withMaxAmount(250_000_00L, 100));
    this.shortCode = shortCode;
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    ProviderHttp.Response r =
        http.post(
            "create",
            "/v1/stkpush/processrequest",
            PaymentProvider.key(p, "create"),
            Json.object()
                .put("BusinessShortCode", shortCode)
                .put("Amount", p.amount() / 100)
                .put("PhoneNumber", call.instrument().getMobileMoney().getPhone())
                .put("AccountReference", p.attemptReference())
                .put("TransactionDesc", "Payment"));
    if (!r.ok() || !"0".equals(r.text("ResponseCode"))) {
      return invalid(r.text("errorReason") != null ? r.text("errorReason") : r.text("errorCode"));
    }
    return Observation.of(ProviderPhase.ACTION_REQUIRED)
        .providerRef(r.text("CheckoutRequestID"))
        .nextAction(approveOnDevice("Enter your PIN in the prompt on your phone."))
        .expiresAt(p.createdAt().plus(PROMPT_TIMEOUT))
        .build();
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r =
        http.postRead(
            "fetch",
            "/v1/stkpushquery/query",
            Json.object().put("BusinessShortCode", shortCode).put("CheckoutRequestID", ref(p)));
    if ("500.001.1001".equals(r.text("errorCode"))) {
      return Observation.of(ProviderPhase.ACTION_REQUIRED)
          .providerRef(ref(p))
          .nextAction(p.nextAction().orElse(null))
          .build();
    }
    if (!r.ok()) {
      throw rejected(r, "errorCode", "errorMessage");
    }
    return result(ref(p), r.text("ResultCode"), p.amount());
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    JsonNode cb = object.path("Body").path("stkCallback");
    String id = text(cb, "CheckoutRequestID");
    long amount = Observation.UNKNOWN;
    for (JsonNode item : cb.path("CallbackMetadata").path("Item")) {
      if ("Amount".equals(text(item, "Name"))) {
        amount = item.path("Value").asLong() * 100;
      }
    }
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(id),
            Optional.empty(),
            Optional.of(result(id, text(cb, "ResultCode"), amount))));
  }

  private static Observation result(String id, String code, long amount) {
    if ("0".equals(code)) {
      return Observation.of(ProviderPhase.SUCCEEDED).providerRef(id).captured(amount).build();
    }
    ProviderPhase phase =
        "1037".equals(code)
            ? ProviderPhase.EXPIRED
            : "1032".equals(code) ? ProviderPhase.CANCELED : ProviderPhase.FAILED;
    return failed(phase, code, id);
  }
}

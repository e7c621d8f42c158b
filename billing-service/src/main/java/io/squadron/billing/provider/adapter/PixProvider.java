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
import io.squadron.proto.billing.v1.DisplayQrCode;
import io.squadron.proto.billing.v1.NextAction;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * {@code pix}: Brazilian instant payments (the Banco Central's API shape, Portuguese fields).
 * Billing creates an immediate charge under a transaction id of its own choosing (the attempt
 * reference without its dash: letters and digits only), the payer scans the QR code before it
 * expires ({@value #EXPIRY_SECONDS} s), and refunds ({@code devolucao}) go by the payment's
 * end-to-end id.
 */
public final class PixProvider extends AbstractProvider {
  static final int EXPIRY_SECONDS = 3600;
  private final String key;

  /** An adapter over {@code http}, receiving on the Pix key {@code key}. */
  public PixProvider(ProviderHttp http, String key) {
    super(http, PaymentMethodType.PIX, ProviderCapabilities.basic().withCurrencies(Set.of("BRL")));
    this.key = key;
  }

  /** The charge's transaction id of the current attempt (26..35 letters and digits). */
  static String txid(PaymentRecord p) {
    return p.attemptReference().replace("-", "");
  }

  @Override
  public Observation create(CreateCall call) {
    PaymentRecord p = call.payment();
    var body = Json.object().put("chave", key);
    body.putObject("calendario").put("expiracao", EXPIRY_SECONDS);
    body.putObject("valor").put("original", Json.decimal(p.amount(), 2));
    ProviderHttp.Response r =
        http.put("create", "/v2/cob/" + txid(p), PaymentProvider.key(p, "create"), body);
    if (r.status() == 409) {
      return fetch(p);
    }
    if (r.status() == 422) {
      return failed(ProviderPhase.FAILED, r.text("title"), txid(p));
    }
    if (!r.ok()) {
      return invalid(r.text("title"));
    }
    return view(r.body());
  }

  @Override
  public Observation fetch(PaymentRecord p) {
    ProviderHttp.Response r = http.get("fetch", "/v2/cob/" + txid(p));
    if (!r.ok()) {
      throw rejected(r, "title", "detail");
    }
    return view(r.body());
  }

  @Override
  public String refund(PaymentRecord p, long amount, String refundId) {
    String e2e = p.providerData().get("e2e");
    if (e2e == null) {
      e2e = text(http.get("fetch", "/v2/cob/" + txid(p)).body(), "pix/0/endToEndId");
    }
    String id = refundId.replaceAll("[^A-Za-z0-9]", "");
    ProviderHttp.Response r =
        http.put(
            "refund",
            "/v2/pix/" + e2e + "/devolucao/" + id.substring(0, Math.min(35, id.length())),
            PaymentProvider.key(p, "refund:" + refundId),
            Json.object().put("valor", Json.decimal(amount, 2)));
    if (!r.ok()) {
      throw rejected(r, "title", "detail");
    }
    return r.text("rtrId");
  }

  @Override
  public Optional<EventInfo> parseEvent(String type, JsonNode object) {
    if (type.equals("pix.received") || type.equals("devolucao.completed")) {
      JsonNode pix = object.path("pix").path(0);
      String txid = text(pix, "txid");
      return Optional.of(
          new EventInfo(
              Optional.ofNullable(txid),
              Optional.empty(),
              Optional.of(
                  Observation.of(ProviderPhase.SUCCEEDED)
                      .providerRef(txid)
                      .captured(Json.minorUnits(text(pix, "valor"), 2))
                      .data("e2e", text(pix, "endToEndId"))
                      .build())));
    }
    return Optional.of(
        new EventInfo(
            Optional.ofNullable(text(object, "txid")),
            Optional.empty(),
            Optional.of(view(object))));
  }

  private Observation view(JsonNode v) {
    String txid = text(v, "txid");
    return switch (String.valueOf(text(v, "status"))) {
      case "ATIVA" -> {
        Instant created = Json.instant(v, "calendario/criacao");
        Instant expires =
            created == null
                ? null
                : created.plusSeconds(
                    v.path("calendario").path("expiracao").asLong(EXPIRY_SECONDS));
        DisplayQrCode.Builder qr =
            DisplayQrCode.newBuilder().setPayload(String.valueOf(text(v, "pixCopiaECola")));
        if (expires != null) {
          qr.setExpiresAt(Timestamp.newBuilder().setSeconds(expires.getEpochSecond()));
        }
        yield Observation.of(ProviderPhase.ACTION_REQUIRED)
            .providerRef(txid)
            .expiresAt(expires)
            .nextAction(NextAction.newBuilder().setDisplayQrCode(qr).build())
            .build();
      }
      case "CONCLUIDA" ->
          Observation.of(ProviderPhase.SUCCEEDED)
              .providerRef(txid)
              .captured(Json.minorUnits(text(v, "valor/original"), 2))
              .data("e2e", text(v, "pix/0/endToEndId"))
              .build();
      case "REMOVIDA_PELO_PSP", "REMOVIDA_PELO_USUARIO_RECEBEDOR" ->
          failed(ProviderPhase.EXPIRED, "expired", txid);
      default -> Observation.of(ProviderPhase.PENDING).providerRef(txid).build();
    };
  }
}

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
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code pix}: Brazilian Pix instant payments, in the shape of the Banco Central's API (Portuguese
 * field names): the merchant creates an immediate charge ({@code PUT /v2/cob/{txid}}, the txid
 * chosen by the merchant) and gets a QR code payload ({@code pixCopiaECola}, an EMV BR Code with
 * its CRC16); the payer pays it (customer action {@code pay}: {@code CONCLUIDA}, event {@code
 * pix.received}) before it expires ({@code calendario.expiracao} seconds, default 3600: {@code
 * REMOVIDA_PELO_PSP}, event {@code cob.expired}). Refunds ({@code devolucao}) settle 10 simulated
 * seconds later. BRL, amounts as decimal strings.
 */
public final class Pix extends Provider {
  private static final Pattern TXID = Pattern.compile("[a-zA-Z0-9]{26,35}");
  private static final long REFUND_DELAY_MS = 10_000;
  private static final List<String> CODES = List.of("rejected_by_psp");

  /** The provider. */
  public Pix() {
    super("pix", "Pix", "instant payment (QR code, expires)", new Fees(99, 0, 0));
  }

  @Override
  public void routes(Routes r) {
    r.put("/v2/cob/{txid}", this::create)
        .get(
            "/v2/cob/{txid}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("txid"), "cob"))))
        .put("/v2/pix/{endToEndId}/devolucao/{id}", this::refund);
  }

  private ApiResponse create(Ctx ctx, ApiRequest req) {
    String txid = req.param("txid");
    if (!TXID.matcher(txid).matches()) {
      throw ApiError.badField("txid", "'" + txid + "' (expected: 26..35 letters and digits)");
    }
    if (ctx.state().payment(txid) != null) {
      throw new ApiError(
          409, "CobrancaJaExiste", "txid: a cobrança " + txid + " already exists", "txid");
    }
    ObjectNode b = req.body();
    ObjectNode calendario = Json.optionalObject(b, "calendario", "calendario");
    long expiracao =
        calendario == null
            ? 3600
            : Json.optionalLong(
                calendario, "expiracao", "calendario.expiracao", 60, 86_400 * 30L, 3600);
    ObjectNode valor = Json.requiredObject(b, "valor", "valor");
    long amount =
        Money.parseDecimal(
            Json.requiredString(valor, "original", "valor.original", 16), "BRL", "valor.original");
    String chave = Json.requiredString(b, "chave", "chave", 77);
    String code = ctx.injectedDecline(txid, "create");
    if (code != null) {
      throw new ApiError(422, code, "the PSP refused the charge (" + code + ")");
    }
    Payment p = ctx.newPayment(txid, txid, amount, "BRL", "ATIVA", Phase.PENDING);
    p.attrs.put("chave", chave);
    p.attrs.put("expiracao", Long.toString(expiracao));
    String message = Json.optionalString(b, "solicitacaoPagador", "solicitacaoPagador", 140);
    if (message != null) {
      p.attrs.put("solicitacao", message);
    }
    String location =
        ctx.publicUrl().replaceFirst("^https?://", "")
            + "/pix/qr/v2/"
            + ctx.id("", 32, txid, "loc");
    p.attrs.put("location", location);
    p.attrs.put("emv", brCode(location, amount, txid));
    p.expiresMs = ctx.now() + expiracao * 1000;
    ctx.schedule(p, "expire", p.expiresMs);
    ctx.awaitCustomer(p);
    return ApiResponse.created(view(p));
  }

  /** An EMV QR (BR Code) payload for a dynamic Pix charge, ending with its CRC16. */
  static String brCode(String location, long amount, String txid) {
    String gui = tlv("00", "br.gov.bcb.pix") + tlv("25", location);
    String payload =
        tlv("00", "01")
            + tlv("01", "12")
            + tlv("26", gui)
            + tlv("52", "0000")
            + tlv("53", "986")
            + tlv("54", Money.decimal(amount, "BRL"))
            + tlv("58", "BR")
            + tlv("59", "SQUADRON SIM")
            + tlv("60", "SAO PAULO")
            + tlv("62", tlv("05", txid.length() > 25 ? txid.substring(0, 25) : txid))
            + "6304";
    return payload + Checks.crc16(payload);
  }

  private static String tlv(String id, String value) {
    return id + String.format(Locale.ROOT, "%02d", value.length()) + value;
  }

  private ApiResponse refund(Ctx ctx, ApiRequest req) {
    Record e2e = ctx.state().record("e2e", req.param("endToEndId"));
    if (e2e == null) {
      throw ApiError.notFound("pix", req.param("endToEndId"));
    }
    Payment p = ctx.state().payment(e2e.get("txid"));
    String id = req.param("id");
    if (!id.matches("[a-zA-Z0-9]{1,35}")) {
      throw ApiError.badField("id", "'" + id + "' (expected: 1..35 letters and digits)");
    }
    long amount =
        Money.parseDecimal(Json.requiredString(req.body(), "valor", "valor", 16), "BRL", "valor");
    if (amount > p.netCharged() - pendingRefunds(p)) {
      throw new ApiError(
          400, "ValorDevolucaoInvalido", "valor: exceeds what can still be refunded", "valor");
    }
    String rtrId = "D" + ctx.id("", 31, p.id, "devolucao", id).toUpperCase(Locale.ROOT);
    p.attrs.put("devolucao:" + id, amount + ":" + rtrId);
    ctx.schedule(p, "devolucao:" + id, ctx.now() + REFUND_DELAY_MS);
    return ApiResponse.created(
        Json.object()
            .put("id", id)
            .put("rtrId", rtrId)
            .put("valor", Money.decimal(amount, "BRL"))
            .put("status", "EM_PROCESSAMENTO"));
  }

  private static long pendingRefunds(Payment p) {
    long sum = 0;
    for (String key : p.timers.keySet()) {
      if (key.startsWith("devolucao:")) {
        sum += Long.parseLong(p.attr(key).split(":")[0]);
      }
    }
    return sum;
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
      return; // the automatic customer never scans the code: it expires
    }
    if (!action.equals("pay")) {
      super.onCustomer(ctx, p, action, body);
    }
    if (!p.status.equals("ATIVA") || ctx.now() >= p.expiresMs) {
      throw new ApiError(
          409,
          "CobrancaNaoAtiva",
          "cob " + p.id + " is " + p.status + (p.status.equals("ATIVA") ? " but expired" : ""));
    }
    String e2e = "E99999999" + ctx.id("", 23, p.id, "e2e").toUpperCase(Locale.ROOT);
    p.attrs.put("e2eid", e2e);
    p.attrs.put("horario", ctx.nowIso());
    ctx.save(new Record("e2e", e2e).put("txid", p.id));
    ctx.cancelTimers(p);
    ctx.capture(p, p.amount, e2e);
    ctx.set(p, "CONCLUIDA", Phase.SUCCEEDED);
    ObjectNode event = Json.object();
    event.putArray("pix").add(pixView(p));
    ctx.emit(p, "pix.received", event);
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (action.equals("expire") && p.status.equals("ATIVA")) {
      ctx.cancelTimers(p);
      ctx.fail(p, "REMOVIDA_PELO_PSP", Phase.EXPIRED, "expired");
      ctx.emit(p, "cob.expired");
    } else if (action.startsWith("devolucao:")) {
      String[] parts = p.attr(action).split(":");
      String id = action.substring("devolucao:".length());
      ctx.refund(p, Long.parseLong(parts[0]), parts[1], "valor");
      p.attrs.put(action, parts[0] + ":" + parts[1] + ":DEVOLVIDO");
      ctx.save(p);
      ObjectNode event = Json.object();
      ObjectNode pix = pixView(p);
      pix.putArray("devolucoes")
          .addObject()
          .put("id", id)
          .put("rtrId", parts[1])
          .put("valor", Money.decimal(Long.parseLong(parts[0]), "BRL"))
          .put("status", "DEVOLVIDO");
      event.putArray("pix").add(pix);
      ctx.emit(p, "devolucao.completed", event);
    }
  }

  private static ObjectNode pixView(Payment p) {
    return Json.object()
        .put("endToEndId", p.attr("e2eid"))
        .put("txid", p.id)
        .put("valor", Money.decimal(p.amount, "BRL"))
        .put("chave", p.attr("chave"))
        .put("horario", p.attr("horario"));
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    ObjectNode body =
        Json.object()
            .put("type", "https://pix.example/api/v2/error/" + e.code())
            .put("title", e.code())
            .put("status", e.status())
            .put("detail", e.getMessage());
    if (e.field() != null) {
      body.putArray("violacoes")
          .addObject()
          .put("razao", e.getMessage())
          .put("propriedade", e.field());
    }
    return body;
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("txid", p.id)
            .put("revisao", 0)
            .put("status", p.status)
            .put("chave", p.attr("chave"))
            .put("location", p.attr("location"))
            .put("pixCopiaECola", p.attr("emv"))
            .put("solicitacaoPagador", p.attr("solicitacao"));
    n.putObject("calendario")
        .put("criacao", Instant.ofEpochMilli(p.createdMs).toString())
        .put("expiracao", Long.parseLong(p.attr("expiracao")));
    n.putObject("valor").put("original", Money.decimal(p.amount, "BRL"));
    if (p.attr("e2eid") != null) {
      ArrayNode pix = n.putArray("pix");
      pix.add(pixView(p));
    }
    return n;
  }
}

package io.squadron.providers.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settlement reports, the double-charge audit, provider listing, stats, reset and control errors.
 */
class ControlApiTest {

  private static String pay(SimHarness sim, String reference, String key) {
    String pm =
        sim.post(
                "cardpay",
                "/v1/payment_methods",
                Map.of(
                    "card", Map.of("number", "4242424242424242", "exp_month", 1, "exp_year", 2031)))
            .body()
            .get("id")
            .asText();
    return sim.call(
            "cardpay",
            "POST",
            "/v1/payment_intents",
            Map.of(
                "amount", 10_000, "currency", "EUR", "payment_method", pm, "reference", reference),
            key)
        .body()
        .get("id")
        .asText();
  }

  @Test
  void settlementReport_listsPaymentsAndRefundsWithFees(@TempDir Path dir) throws Exception {
    try (SimHarness sim = SimHarness.start(41)) {
      String id = pay(sim, "rep-1", sim.key());
      sim.post("cardpay", "/v1/refunds", Map.of("payment_intent", id, "amount", 2_500));
      sim.advance(86_400);
      pay(sim, "rep-2", sim.key());
      JsonNode out =
          sim.ok(
              "POST",
              "/reports",
              Map.of(
                  "providers",
                  List.of("cardpay"),
                  "dir",
                  dir.toString(),
                  "from",
                  "2026-01-01",
                  "to",
                  "2026-01-01"));
      assertThat(out.at("/reports/0/rows").asInt()).isEqualTo(2);
      List<String> lines = Files.readAllLines(Path.of(out.at("/reports/0/file").asText()));
      assertThat(lines.get(0))
          .isEqualTo(
              "date,provider,reference,provider_reference,movement_id,type,status,"
                  + "amount,currency,fee,net");
      assertThat(lines.get(1))
          .startsWith("2026-01-01,cardpay,rep-1," + id + ",ch_")
          .endsWith(",payment,succeeded,10000,EUR,165,9835");
      assertThat(lines.get(2)).contains(",refund,succeeded,-2500,EUR,0,-2500");
      JsonNode all = sim.ok("POST", "/reports", Map.of("dir", dir.toString()));
      assertThat(all.get("reports")).hasSize(16);
    }
  }

  @Test
  void audit_findsAReferenceChargedTwice() {
    try (SimHarness sim = SimHarness.start(42)) {
      pay(sim, "dup-ref", sim.key());
      assertThat(sim.ok("GET", "/audit", null).get("double_charged_references").asInt()).isZero();
      pay(sim, "dup-ref", sim.key()); // a client retry with a NEW key: what billing must never do
      JsonNode audit = sim.ok("GET", "/audit", null);
      assertThat(audit.get("double_charged_references").asInt()).isEqualTo(1);
      assertThat(audit.at("/examples/0/reference").asText()).isEqualTo("dup-ref");
      JsonNode stats = sim.ok("GET", "/stats", null);
      assertThat(stats.at("/providers/cardpay/answered_2xx").asLong()).isEqualTo(4);
    }
  }

  @Test
  void providers_listAll16WithTheirActionsAndCodes_resetForgetsState() {
    try (SimHarness sim = SimHarness.start(43)) {
      JsonNode providers = sim.ok("GET", "/providers", null);
      assertThat(providers).hasSize(16);
      assertThat(providers.get(0).get("base_url").asText()).isEqualTo(sim.url() + "/cardpay");
      assertThat(sim.ok("GET", "/credentials", null).size()).isEqualTo(16);
      String id = pay(sim, "reset-1", sim.key());
      sim.ok("POST", "/reset", Map.of("state", true));
      assertThat(sim.control("GET", "/providers/cardpay/payments/" + id, null).status())
          .isEqualTo(404);
      assertThat(sim.get("giftcard", "/v1/cards/GC-EUR-5000-0001/balance").status()).isEqualTo(200);
    }
  }

  @Test
  void controlErrors_nameWhatIsWrong() {
    try (SimHarness sim = SimHarness.start(44)) {
      assertThat(sim.control("GET", "/providers/nosuch/faults", null).status()).isEqualTo(404);
      SimHarness.Response badAction =
          sim.control("POST", "/providers/cardpay/payments/pi_x/actions/dance", null);
      assertThat(badAction.status()).isEqualTo(404);
      String id = pay(sim, "act-1", sim.key());
      SimHarness.Response unknown =
          sim.control("POST", "/providers/cardpay/payments/" + id + "/actions/dance", null);
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.body().at("/error/message").asText()).contains("authenticate");
      SimHarness.Response advance = sim.control("POST", "/clock/advance", Map.of("seconds", -1));
      assertThat(advance.body().at("/error/param").asText()).isEqualTo("seconds");
      SimHarness.Response report = sim.control("POST", "/reports", Map.of("from", "01/02/2026"));
      assertThat(report.body().at("/error/param").asText()).isEqualTo("from");
      assertThat(
              sim.send(
                      java.net.http.HttpRequest.newBuilder(
                              java.net.URI.create(sim.url() + "/nowhere/x"))
                          .GET()
                          .build())
                  .status())
          .isEqualTo(404);
    }
  }
}

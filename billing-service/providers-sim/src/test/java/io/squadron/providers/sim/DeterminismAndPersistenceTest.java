package io.squadron.providers.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed and requests give the same ids, faults and declines; a restart keeps state, keys
 * and timers.
 */
class DeterminismAndPersistenceTest {

  /** A fixed script over several providers with faults on; returns what the client saw. */
  private static List<String> script(SimHarness sim) {
    sim.ok(
        "PUT",
        "/faults",
        Map.of(
            "error",
            Map.of("rate", 0.2),
            "decline",
            Map.of("rate", 0.3),
            "timeout",
            Map.of("rate", 0.1, "mode", "drop")));
    List<String> seen = new ArrayList<>();
    for (int n = 0; n < 30; n++) {
      int i = n;
      seen.add(
          outcome(
              () ->
                  sim.call(
                      "carrierbill",
                      "POST",
                      "/v1/charges",
                      Map.of(
                          "msisdn",
                          "+4917000000" + (10 + i),
                          "amount",
                          100,
                          "currency",
                          "EUR",
                          "merchant_ref",
                          "det-" + i,
                          "description",
                          "x"),
                      "det-cb-" + i)));
      seen.add(
          outcome(
              () ->
                  sim.call(
                      "bankredirect",
                      "POST",
                      "/v1/payments",
                      Map.of(
                          "amount",
                          Map.of("currency", "EUR", "value", "1.00"),
                          "description",
                          "x",
                          "redirectUrl",
                          "https://s/r",
                          "reference",
                          "det-br-" + i),
                      "det-br-" + i)));
    }
    sim.advance(10);
    for (int i = 0; i < 30; i++) {
      JsonNode charges = sim.ok("GET", "/providers/carrierbill/payments?reference=det-" + i, null);
      seen.add(
          charges.isEmpty()
              ? "none"
              : charges.get(0).get("status").asText()
                  + ":"
                  + charges.get(0).get("failure_code").asText());
    }
    return seen;
  }

  private static String outcome(java.util.function.Supplier<SimHarness.Response> call) {
    try {
      SimHarness.Response r = call.get();
      JsonNode id = r.body().has("charge_id") ? r.body().get("charge_id") : r.body().get("id");
      return r.status() + ":" + (id == null ? "-" : id.asText());
    } catch (UncheckedIOException e) {
      return "dropped";
    }
  }

  @Test
  void sameSeed_sameOutcomes_otherSeed_otherIds() {
    List<String> a;
    List<String> b;
    List<String> c;
    try (SimHarness sim = SimHarness.start(4242)) {
      a = script(sim);
    }
    try (SimHarness sim = SimHarness.start(4242)) {
      b = script(sim);
    }
    try (SimHarness sim = SimHarness.start(4243)) {
      c = script(sim);
    }
    assertThat(b).isEqualTo(a);
    assertThat(a)
        .contains("dropped")
        .anyMatch(s -> s.startsWith("503"))
        .anyMatch(s -> s.startsWith("202"))
        .anyMatch(s -> s.startsWith("failed:"));
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void restart_keepsPaymentsIdempotencyKeysClockSecretsAndTimers(@TempDir Path state)
      throws Exception {
    String key;
    String auth;
    String firstBody;
    String secret;
    JsonNode clockBefore;
    try (SimHarness sim = SimHarness.start(5, state, "")) {
      String token =
          sim.post(
                  "acquirex",
                  "/v2/vault/cards",
                  Map.of("cardNumber", "4242424242424242", "expiryMonth", 1, "expiryYear", 2031))
              .body()
              .get("recurringDetailReference")
              .asText();
      key = sim.key();
      SimHarness.Response r =
          sim.call(
              "acquirex",
              "POST",
              "/v2/authorisations",
              Map.of(
                  "merchantReference",
                  "persist-1",
                  "amount",
                  Map.of("value", 700, "currency", "EUR"),
                  "paymentMethod",
                  Map.of("recurringDetailReference", token)),
              key);
      auth = r.body().get("pspReference").asText();
      firstBody = r.raw().body();
      sim.ok("POST", "/providers/acquirex/webhook-secrets/rotate", null);
      secret = sim.ok("GET", "/credentials", null).at("/acquirex/webhook_secrets/0").asText();
      sim.advance(86_400);
      clockBefore = sim.ok("GET", "/clock", null);
    }
    try (SimHarness sim = SimHarness.start(5, state, "")) {
      assertThat(sim.ok("GET", "/clock", null).get("now").asText())
          .isEqualTo(clockBefore.get("now").asText());
      assertThat(sim.truth("acquirex", auth).at("/view/status").asText()).isEqualTo("AUTHORISED");
      assertThat(sim.ok("GET", "/credentials", null).at("/acquirex/webhook_secrets/0").asText())
          .isEqualTo(secret);
      // the retry after a restart replays the stored answer, byte for byte
      SimHarness.Response retry =
          sim.call("acquirex", "POST", "/v2/authorisations", SimHarness.parse("{}"), key);
      assertThat(retry.status()).isEqualTo(422); // different body under the same key
      sim.advance(6 * 86_400);
      assertThat(sim.truth("acquirex", auth).at("/view/status").asText()).isEqualTo("EXPIRED");
      assertThat(firstBody).contains(auth);
    }
  }

  @Test
  void restart_deliversEventsThatWereNotAcknowledged(@TempDir Path state) throws Exception {
    String id;
    try (WebhookReceiver refusing = new WebhookReceiver()) {
      refusing.failNext(1_000);
      try (SimHarness sim = SimHarness.start(6, state, refusing.urlTemplate())) {
        id =
            sim.post(
                    "carrierbill",
                    "/v1/charges",
                    Map.of(
                        "msisdn",
                        "+4915112340000",
                        "amount",
                        100,
                        "currency",
                        "EUR",
                        "merchant_ref",
                        "persist-ev",
                        "description",
                        "x"))
                .body()
                .get("charge_id")
                .asText();
        sim.advance(5);
        assertThat(refusing.await(d -> d.body().contains(id), 1, 5_000)).isNotEmpty();
      }
    }
    try (WebhookReceiver hooks = new WebhookReceiver();
        SimHarness sim = SimHarness.start(6, state, hooks.urlTemplate())) {
      WebhookReceiver.Delivery d = hooks.awaitEvent("carrierbill", "charge.charged", id, 5_000);
      assertThat(d.json().at("/data/object/status").asText()).isEqualTo("charged");
      assertThat(sim.truth("carrierbill", id).get("phase").asText()).isEqualTo("SUCCEEDED");
    }
  }
}

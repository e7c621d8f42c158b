package io.squadron.providers.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Idempotency keys, API keys and the injected request faults, on the tapwallet and cardpay APIs.
 */
class IdempotencyAndFaultsTest {
  private static SimHarness sim;

  @BeforeAll
  static void start() {
    sim = SimHarness.start(21);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @AfterEach
  void healthy() {
    sim.ok("POST", "/reset", Map.of("faults", true));
  }

  private Map<String, Object> intentBody(String reference) {
    String pm =
        sim.post(
                "cardpay",
                "/v1/payment_methods",
                Map.of(
                    "card", Map.of("number", "4242424242424242", "exp_month", 1, "exp_year", 2031)))
            .body()
            .get("id")
            .asText();
    return Map.of("amount", 1234, "currency", "EUR", "payment_method", pm, "reference", reference);
  }

  private int chargesFor(String reference) {
    return sim.ok("GET", "/providers/cardpay/payments?reference=" + reference, null).size();
  }

  @Test
  void sameKeySameRequest_replaysFirstOutcome_andChargesOnce() {
    Map<String, Object> body = intentBody("idem-1");
    String key = sim.key();
    SimHarness.Response first = sim.call("cardpay", "POST", "/v1/payment_intents", body, key);
    SimHarness.Response again = sim.call("cardpay", "POST", "/v1/payment_intents", body, key);
    assertThat(again.status()).isEqualTo(first.status());
    assertThat(again.raw().body()).isEqualTo(first.raw().body());
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(chargesFor("idem-1")).isEqualTo(1);
  }

  @Test
  void sameKeyDifferentBody_is422_andMissingKeyIs400() {
    String key = sim.key();
    assertThat(
            sim.call("cardpay", "POST", "/v1/payment_intents", intentBody("idem-2"), key).status())
        .isEqualTo(200);
    SimHarness.Response other =
        sim.call("cardpay", "POST", "/v1/payment_intents", intentBody("idem-2b"), key);
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.body().at("/error/code").asText()).isEqualTo("idempotency_key_reused");
    SimHarness.Response none =
        sim.call("cardpay", "POST", "/v1/payment_intents", intentBody("idem-3"), null);
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.body().at("/error/param").asText()).isEqualTo("Idempotency-Key");
    assertThat(chargesFor("idem-3")).isZero();
  }

  @Test
  void refusedValidation_isNotStored_soACorrectedRetryWithTheSameKeyWorks() {
    String key = sim.key();
    Map<String, Object> good = intentBody("idem-4");
    SimHarness.Response bad =
        sim.call(
            "cardpay",
            "POST",
            "/v1/payment_intents",
            Map.of(
                "amount",
                -1,
                "currency",
                "EUR",
                "payment_method",
                good.get("payment_method"),
                "reference",
                "idem-4"),
            key);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().at("/error/param").asText()).isEqualTo("amount");
    assertThat(sim.call("cardpay", "POST", "/v1/payment_intents", good, key).status())
        .isEqualTo(200);
  }

  @Test
  void concurrentRetriesWithOneKey_chargeOnce() throws Exception {
    Map<String, Object> body = intentBody("idem-5");
    String key = sim.key();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<SimHarness.Response>> all = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        all.add(pool.submit(() -> sim.call("cardpay", "POST", "/v1/payment_intents", body, key)));
      }
      Set<String> ids = ConcurrentHashMap.newKeySet();
      for (Future<SimHarness.Response> f : all) {
        ids.add(f.get().body().get("id").asText());
      }
      assertThat(ids).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(chargesFor("idem-5")).isEqualTo(1);
  }

  @Test
  void wrongApiKey_is401InTheProvidersShape_andAnotherProvidersKeyToo() {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(sim.url() + "/acquirex/v2/authorisations/X"));
    SimHarness.Response wrong =
        sim.send(b.header("Authorization", "Bearer " + sim.apiKey("cardpay")).GET().build());
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body().get("errorType").asText()).isEqualTo("security");
    assertThat(wrong.raw().body()).doesNotContain(sim.apiKey("cardpay"));
  }

  @Test
  void injected5xx_processesNothing_thenTheRetrySucceeds() {
    Map<String, Object> body = intentBody("fault-5xx");
    String key = sim.key();
    sim.faults(
        "cardpay", Map.of("error", Map.of("rate", 1.0, "status", 503), "apply_to", "mutating"));
    SimHarness.Response failed = sim.call("cardpay", "POST", "/v1/payment_intents", body, key);
    assertThat(failed.status()).isEqualTo(503);
    assertThat(failed.header("Retry-After")).isEqualTo("1");
    assertThat(failed.body().at("/error/type").asText()).isEqualTo("api_error");
    assertThat(chargesFor("fault-5xx")).isZero();
    assertThat(sim.get("cardpay", "/v1/payment_intents/none").status())
        .isEqualTo(404); // reads unaffected
    sim.faults("cardpay", Map.of());
    assertThat(sim.call("cardpay", "POST", "/v1/payment_intents", body, key).status())
        .isEqualTo(200);
    assertThat(chargesFor("fault-5xx")).isEqualTo(1);
  }

  @Test
  void timeoutAfterCommit_dropsTheConnection_chargeHappened_retryReplaysIt() {
    Map<String, Object> body = intentBody("fault-timeout-commit");
    String key = sim.key();
    sim.faults(
        "cardpay", Map.of("timeout", Map.of("rate", 1.0, "mode", "drop", "commit_rate", 1.0)));
    assertThatThrownBy(() -> sim.call("cardpay", "POST", "/v1/payment_intents", body, key))
        .hasCauseInstanceOf(IOException.class);
    JsonNode charged =
        sim.ok("GET", "/providers/cardpay/payments?reference=fault-timeout-commit", null);
    assertThat(charged).hasSize(1);
    sim.faults("cardpay", Map.of());
    SimHarness.Response retry = sim.call("cardpay", "POST", "/v1/payment_intents", body, key);
    assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(retry.body().get("id").asText()).isEqualTo(charged.get(0).get("id").asText());
    assertThat(chargesFor("fault-timeout-commit")).isEqualTo(1);
  }

  @Test
  void timeoutBeforeCommit_dropsTheConnection_nothingCharged() {
    Map<String, Object> body = intentBody("fault-timeout-lost");
    sim.faults(
        "cardpay", Map.of("timeout", Map.of("rate", 1.0, "mode", "drop", "commit_rate", 0.0)));
    assertThatThrownBy(() -> sim.call("cardpay", "POST", "/v1/payment_intents", body, sim.key()))
        .hasCauseInstanceOf(IOException.class);
    assertThat(chargesFor("fault-timeout-lost")).isZero();
  }

  @Test
  void hangingTimeout_leavesTheClientWaitingUntilItsOwnDeadline() throws Exception {
    sim.faults(
        "tapwallet", Map.of("timeout", Map.of("rate", 1.0, "mode", "hang", "hang_ms", 5_000)));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(sim.url() + "/tapwallet/v1/payments/x"))
            .timeout(Duration.ofMillis(300))
            .header("Authorization", "Bearer " + sim.apiKey("tapwallet"))
            .GET()
            .build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> sim.http.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
  }

  @Test
  void injectedLatency_delaysTheAnswer() {
    sim.faults("tapwallet", Map.of("latency_ms", Map.of("min", 200, "max", 200)));
    long start = System.nanoTime();
    assertThat(sim.get("tapwallet", "/v1/payments/none").status()).isEqualTo(404);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(200);
  }

  @Test
  void injectedDeclines_useTheGivenCode_andBadSettingsAre400NamingTheField() {
    sim.faults("cardpay", Map.of("decline", Map.of("rate", 1.0, "codes", List.of("do_not_honor"))));
    SimHarness.Response r = sim.post("cardpay", "/v1/payment_intents", intentBody("fault-decline"));
    assertThat(r.status()).isEqualTo(402);
    assertThat(r.body().at("/error/decline_code").asText()).isEqualTo("do_not_honor");

    SimHarness.Response bad =
        sim.control("PUT", "/providers/cardpay/faults", Map.of("error", Map.of("rate", 2)));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().at("/error/param").asText()).isEqualTo("error.rate");
    SimHarness.Response unknownCode =
        sim.control(
            "PUT",
            "/providers/cardpay/faults",
            Map.of("decline", Map.of("codes", List.of("AM04"))));
    assertThat(unknownCode.body().at("/error/message").asText())
        .contains("AM04")
        .contains("insufficient_funds");
    SimHarness.Response unknownKey =
        sim.control("PATCH", "/providers/cardpay/faults", Map.of("jitter", 1));
    assertThat(unknownKey.body().at("/error/param").asText()).isEqualTo("jitter");
  }
}

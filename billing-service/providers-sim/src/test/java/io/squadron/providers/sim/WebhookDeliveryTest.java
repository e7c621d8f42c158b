package io.squadron.providers.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook signatures, secret rotation, retries until acknowledged, and the callback faults. */
class WebhookDeliveryTest {
  private SimHarness sim;
  private WebhookReceiver hooks;

  @BeforeEach
  void start() throws Exception {
    hooks = new WebhookReceiver();
    sim = SimHarness.start(31, null, hooks.urlTemplate());
  }

  @AfterEach
  void stop() {
    sim.close();
    hooks.close();
  }

  /**
   * A tapwallet payment: one synchronous event ({@code payment.captured}); returns the payment id.
   */
  private String pay(String reference) {
    JsonNode token =
        sim.ok(
                "POST",
                "/providers/tapwallet/ops/device-token",
                Map.of("card_number", "4242424242424242"))
            .get("payment_token");
    return sim.post(
            "tapwallet",
            "/v1/payments",
            Map.of(
                "merchant_reference",
                reference,
                "amount",
                100,
                "currency",
                "EUR",
                "payment_token",
                token))
        .body()
        .get("id")
        .asText();
  }

  private List<String> secrets() {
    List<String> out = new java.util.ArrayList<>();
    sim.ok("GET", "/credentials", null)
        .at("/tapwallet/webhook_secrets")
        .forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void signature_isHmacOfTimestampDotBody_withinToleranceOfTheWallClock() throws Exception {
    String id = pay("wh-sig");
    WebhookReceiver.Delivery d = hooks.awaitEvent("tapwallet", "payment.captured", id, 5_000);
    assertThat(WebhookReceiver.verify(d.signature(), d.body(), secrets().get(0))).isTrue();
    assertThat(WebhookReceiver.verify(d.signature(), d.body() + " ", secrets().get(0))).isFalse();
    assertThat(WebhookReceiver.verify(d.signature(), d.body(), "whsec_wrong")).isFalse();
    assertThat(
            Math.abs(WebhookReceiver.timestamp(d.signature()) - System.currentTimeMillis() / 1000))
        .isLessThanOrEqualTo(5);
    assertThat(d.eventId()).isEqualTo(d.json().get("id").asText()).startsWith("evt_");
    assertThat(d.json().get("created").asLong()).isEqualTo(SimHarness.START.getEpochSecond());
  }

  @Test
  void rotation_signsWithOldAndNewSecret_untilTheOldIsRetired() throws Exception {
    String old = secrets().get(0);
    JsonNode rotated = sim.ok("POST", "/providers/tapwallet/webhook-secrets/rotate", null);
    String fresh = rotated.at("/webhook_secrets/0").asText();
    assertThat(rotated.get("webhook_secrets")).hasSize(2);
    String during = pay("wh-rotating");
    WebhookReceiver.Delivery d = hooks.awaitEvent("tapwallet", "payment.captured", during, 5_000);
    assertThat(d.signature().split(",v1=")).hasSize(3);
    assertThat(WebhookReceiver.verify(d.signature(), d.body(), old)).isTrue();
    assertThat(WebhookReceiver.verify(d.signature(), d.body(), fresh)).isTrue();

    sim.ok("POST", "/providers/tapwallet/webhook-secrets/retire", null);
    String after = pay("wh-rotated");
    WebhookReceiver.Delivery e = hooks.awaitEvent("tapwallet", "payment.captured", after, 5_000);
    assertThat(WebhookReceiver.verify(e.signature(), e.body(), fresh)).isTrue();
    assertThat(WebhookReceiver.verify(e.signature(), e.body(), old)).isFalse();
  }

  @Test
  void failedDeliveries_areRetriedUntilAcknowledged_withTheSameBody() throws Exception {
    hooks.failNext(3);
    String id = pay("wh-retry");
    List<WebhookReceiver.Delivery> tries = hooks.await(d -> d.body().contains(id), 4, 10_000);
    assertThat(tries).hasSize(4);
    assertThat(tries)
        .extracting(WebhookReceiver.Delivery::attempt)
        .containsExactly("1", "2", "3", "4");
    assertThat(tries).extracting(WebhookReceiver.Delivery::body).containsOnly(tries.get(0).body());
    JsonNode events = awaitState("delivered", 1);
    assertThat(events.get(0).get("attempts").asInt()).isEqualTo(4);
  }

  private JsonNode awaitState(String state, int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    JsonNode events;
    do {
      events = sim.ok("GET", "/events?provider=tapwallet&state=" + state, null);
      if (events.size() >= count) {
        return events;
      }
      Thread.sleep(20);
    } while (System.currentTimeMillis() < deadline);
    return events;
  }

  @Test
  void duplicatedCallbacks_arriveTwiceWithOneEventId() throws Exception {
    sim.ok(
        "PATCH", "/providers/tapwallet/faults", Map.of("callbacks", Map.of("duplicate_rate", 1.0)));
    String id = pay("wh-dup");
    List<WebhookReceiver.Delivery> copies = hooks.await(d -> d.body().contains(id), 2, 5_000);
    assertThat(copies).hasSize(2);
    assertThat(copies.get(0).eventId()).isEqualTo(copies.get(1).eventId());
    assertThat(copies.get(0).body()).isEqualTo(copies.get(1).body());
  }

  @Test
  void droppedCallbacks_neverArrive_untilRedelivered() throws Exception {
    sim.ok("PATCH", "/providers/tapwallet/faults", Map.of("callbacks", Map.of("drop_rate", 1.0)));
    String id = pay("wh-drop");
    JsonNode dropped = awaitState("dropped", 1);
    assertThat(dropped.get(0).get("object_id").asText()).isEqualTo(id);
    // Poll for a while to show nothing comes: the receiver must recover by fetching the payment.
    assertThat(hooks.await(d -> d.body().contains(id), 1, 300)).isEmpty();
    sim.ok("POST", "/events/" + dropped.get(0).get("id").asText() + "/redeliver", null);
    assertThat(hooks.await(d -> d.body().contains(id), 1, 5_000)).hasSize(1);
  }

  @Test
  void reorderedCallbacks_letALaterEventOvertakeAnEarlierOne() throws Exception {
    sim.ok(
        "PATCH",
        "/providers/tapwallet/faults",
        Map.of("callbacks", Map.of("reorder_rate", 1.0, "reorder_hold_ms", 700)));
    String first = pay("wh-order-1");
    sim.ok(
        "PATCH", "/providers/tapwallet/faults", Map.of("callbacks", Map.of("reorder_rate", 0.0)));
    String second = pay("wh-order-2");
    List<WebhookReceiver.Delivery> both =
        hooks.await(d -> d.body().contains(first) || d.body().contains(second), 2, 5_000);
    assertThat(both).hasSize(2);
    assertThat(both.get(0).body()).contains(second);
    assertThat(both.get(1).body()).contains(first);
  }

  @Test
  void timestampSkew_movesTheSignatureTimestamp_andNoEndpointMeansEventsWait() throws Exception {
    sim.ok(
        "PATCH",
        "/providers/tapwallet/faults",
        Map.of("callbacks", Map.of("timestamp_skew_seconds", -400)));
    sim.ok("PUT", "/webhook-endpoint", Map.of());
    String id = pay("wh-skew");
    assertThat(hooks.await(d -> d.body().contains(id), 1, 300)).isEmpty();
    sim.ok("PUT", "/webhook-endpoint", Map.of("url", hooks.urlTemplate()));
    WebhookReceiver.Delivery d = hooks.await(x -> x.body().contains(id), 1, 5_000).get(0);
    assertThat(System.currentTimeMillis() / 1000 - WebhookReceiver.timestamp(d.signature()))
        .isBetween(395L, 405L);
  }
}

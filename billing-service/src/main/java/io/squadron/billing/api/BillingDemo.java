package io.squadron.billing.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.CardDetails;
import io.squadron.proto.billing.v1.ConfirmPaymentRequest;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.GetPaymentRequest;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.PaymentStatus;
import io.squadron.proto.billing.v1.ProviderToken;
import io.squadron.proto.billing.v1.SepaDebitDetails;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * Shows billing working against the provider simulator, as the operator identity: a card payment
 * that needs a 3-D Secure step (the card is tokenized at the provider, the payer passes the
 * challenge through the simulator's control API, billing confirms), and a SEPA direct debit that
 * settles by callback once the simulator's clock moved three days. Exits non-zero if any step
 * misbehaves.
 *
 * <p>{@code java ... BillingDemo [--config FILE]} with {@code squadron.clients.billing}, {@code
 * squadron.clients.padlock} (to create the demo customer's keys, as userdb does at sign-up) and
 * {@code squadron.providers.control-url}.
 */
public final class BillingDemo {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private BillingDemo() {}

  public static void main(String[] args) throws Exception {
    Config config = ConfigLoader.fromArgs(args, System.getenv());
    String control = config.getString("squadron.providers.control-url");
    if (control.isEmpty()) {
      throw new IllegalStateException(
          "squadron.providers.control-url is empty: the demo drives the simulator");
    }
    try (ChannelFactory channels = Platform.clients(config, Platform.newMeterRegistry()).build()) {
      var billing = BillingServiceGrpc.newBlockingStub(channels.channel("billing"));
      String customer = "demo-" + UUID.randomUUID();
      PadlockServiceGrpc.newBlockingStub(channels.channel("padlock"))
          .createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(customer).build());
      JsonNode credentials = control(control, "GET", "/credentials", null);
      String base = credentials.path("cardpay").path("base_url").asText();
      String key = credentials.path("cardpay").path("api_key").asText();

      // 1. A card that asks for 3-D Secure. The client tokenizes it at the acquirer: billing never
      // sees the number.
      JsonNode pm =
          provider(
              base + "/v1/payment_methods",
              key,
              "{\"type\":\"card\",\"card\":{\"number\":"
                  + "\"4000000000003220\",\"exp_month\":12,\"exp_year\":2034,\"cvc\":\"123\"}}");
      Payment card =
          billing
              .createPayment(
                  CreatePaymentRequest.newBuilder()
                      .setIdempotencyKey("demo-card-" + customer)
                      .setCustomerId(customer)
                      .setReference("demo-order-1")
                      .setAmount(1999)
                      .setCurrency("EUR")
                      .setCountry("SE")
                      .setReturnUrl("https://shop.example/return")
                      .setPaymentMethod(
                          PaymentMethod.newBuilder()
                              .setType(PaymentMethodType.CARD)
                              .setCard(
                                  CardDetails.newBuilder()
                                      .addTokens(
                                          ProviderToken.newBuilder()
                                              .setProvider("cardpay")
                                              .setToken(pm.path("id").asText()))))
                      .build())
              .getPayment();
      System.out.printf(
          "billing demo: card payment %s is %s at %s, next action: 3-D Secure at %s%n",
          card.getId(),
          card.getStatus(),
          card.getProvider(),
          card.getNextAction().getThreeDsChallenge().getUrl());
      expect(
          card.getStatus() == PaymentStatus.REQUIRES_ACTION,
          "a 3-D Secure card must require an action");
      control(
          control,
          "POST",
          "/providers/cardpay/payments/" + card.getProviderReference() + "/actions/authenticate",
          "{\"result\":\"pass\"}");
      Payment confirmed =
          billing
              .confirmPayment(
                  ConfirmPaymentRequest.newBuilder()
                      .setIdempotencyKey("demo-confirm-" + customer)
                      .setPaymentId(card.getId())
                      .build())
              .getPayment();
      System.out.printf(
          "billing demo: the payer passed the challenge; after ConfirmPayment it is %s, %d %s "
              + "captured%n",
          confirmed.getStatus(), confirmed.getAmountCaptured(), confirmed.getCurrency());
      expect(confirmed.getStatus() == PaymentStatus.SUCCEEDED, "the card payment must succeed");

      // 2. A SEPA direct debit: accepted, then confirmed by the bank days later (the simulator's
      // clock moves).
      Payment debit =
          billing
              .createPayment(
                  CreatePaymentRequest.newBuilder()
                      .setIdempotencyKey("demo-sepa-" + customer)
                      .setCustomerId(customer)
                      .setReference("demo-order-2")
                      .setAmount(4900)
                      .setCurrency("EUR")
                      .setCountry("DE")
                      .setPaymentMethod(
                          PaymentMethod.newBuilder()
                              .setType(PaymentMethodType.SEPA_DEBIT)
                              .setSepaDebit(
                                  SepaDebitDetails.newBuilder()
                                      .setIban("DE89 3704 0044 0532 0130 00")
                                      .setAccountHolder("Demo Payer")))
                      .build())
              .getPayment();
      System.out.printf(
          "billing demo: SEPA debit %s is %s (%s)%n",
          debit.getId(), debit.getStatus(), debit.getInstrumentSummary());
      JsonNode advanced =
          control(control, "POST", "/clock/advance", "{\"seconds\":" + 3 * 86_400 + "}");
      System.out.printf(
          "billing demo: the simulator's clock moved 3 days (%d timers fired); waiting for the "
              + "callback%n",
          advanced.path("timers_fired").asInt());
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Payment settled = debit;
      while (settled.getStatus() != PaymentStatus.SUCCEEDED && System.nanoTime() < deadline) {
        Thread.sleep(200);
        settled =
            billing
                .getPayment(GetPaymentRequest.newBuilder().setPaymentId(debit.getId()).build())
                .getPayment();
      }
      System.out.printf(
          "billing demo: SEPA debit %s is %s by callback, %d %s captured%n",
          settled.getId(), settled.getStatus(), settled.getAmountCaptured(), settled.getCurrency());
      expect(
          settled.getStatus() == PaymentStatus.SUCCEEDED, "the SEPA debit must settle by callback");
    }
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("billing demo failed: " + what);
    }
  }

  private static JsonNode provider(String url, String apiKey, String body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + apiKey)
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static JsonNode control(String control, String method, String path, String body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(control + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body)));
  }

  private static JsonNode send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(
          request.build().uri().getPath() + " answered " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }
}

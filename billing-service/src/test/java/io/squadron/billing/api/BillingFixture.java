package io.squadron.billing.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.CardDetails;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.GetPaymentRequest;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.PaymentStatus;
import io.squadron.proto.billing.v1.ProviderToken;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.testkit.Await;
import io.squadron.testkit.ProvidersSimExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What billing's edge tests share: customers with Padlock keys (created as userdb would at
 * sign-up), cards tokenized at the providers as a client would, the simulator's truth, waiting for
 * a payment's status, and the ledger checks (every transaction balanced; each payment's receivable
 * equal to the provider's net).
 */
final class BillingFixture {
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Config for edge tests: a quick reconciler and short leases, no routing exploration
   * (deterministic).
   */
  static final String TEST_CONFIG =
      """
      squadron.billing.routing.exploration = 0
      squadron.billing.idempotency.lease = 3s
      squadron.billing.reconcile {
        interval = 200ms
        expiry-grace = 1s
        unknown-outcome { initial = 500ms, max = 2s }
        default { initial = 1s, max = 2s }
        methods {
          card { initial = 1s, max = 2s }
          sepa-debit { initial = 1s, max = 2s }
          boleto { initial = 1s, max = 2s }
          bank-transfer { initial = 1s, max = 2s }
          paywallet { initial = 1s, max = 2s }
          paylater { initial = 1s, max = 2s }
          carrier-billing { initial = 1s, max = 2s }
        }
      }
      squadron.billing.provider-defaults.request-timeout = 3s
      squadron.padlock-client.deadline = 5s
      """;

  private static final AtomicLong SEQ = new AtomicLong();

  private final ServiceExtension padlock;
  private final ServiceExtension billing;
  private final ProvidersSimExtension sim;
  private JsonNode credentials;

  BillingFixture(ServiceExtension padlock, ServiceExtension billing, ProvidersSimExtension sim) {
    this.padlock = padlock;
    this.billing = billing;
    this.sim = sim;
  }

  BillingServiceGrpc.BillingServiceBlockingStub stub() {
    return billing.stub("checkout", BillingServiceGrpc::newBlockingStub);
  }

  /**
   * A new customer with Padlock keys. Padlock answers UNAVAILABLE when its Cassandra is slower than
   * its 1 s request timeout (a loaded 2-core machine): the call is safe to repeat, as userdb would.
   */
  String customer() {
    String id = "cust-" + UUID.randomUUID();
    CreateUserKeysRequest request = CreateUserKeysRequest.newBuilder().setUserId(id).build();
    Await.until(
        Duration.ofSeconds(30),
        "Padlock keys for " + id,
        () -> {
          try {
            padlock.stub("userdb", PadlockServiceGrpc::newBlockingStub).createUserKeys(request);
            return true;
          } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
              throw e;
            }
            return false;
          }
        });
    return id;
  }

  static String key(String what) {
    return what + "-" + SEQ.incrementAndGet() + "-" + UUID.randomUUID();
  }

  synchronized JsonNode credentials() {
    if (credentials == null) {
      credentials = json(control("GET", "/credentials", null));
    }
    return credentials;
  }

  String apiKey(String provider) {
    return credentials().path(provider).path("api_key").asText();
  }

  /** The card tokenized at {@code provider}'s vault, as a client would do it. */
  String tokenize(String provider, String number) {
    try {
      if (provider.equals("acquirex")) {
        return json(sim.provider(
                "POST",
                provider,
                "/v2/vault/cards",
                apiKey(provider),
                "{\"cardNumber\":\""
                    + number
                    + "\",\"expiryMonth\":12,\"expiryYear\":2034,\"cvc\":\"123\"}"))
            .path("recurringDetailReference")
            .asText();
      }
      return json(sim.provider(
              "POST",
              provider,
              "/v1/payment_methods",
              apiKey(provider),
              "{\"type\":\"card\","
                  + "\"card\":{\"number\":\""
                  + number
                  + "\",\"exp_month\":12,\"exp_year\":2034,\"cvc\":\"123\"}}"))
          .path("id")
          .asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A card payment method tokenized at each of {@code providers}. */
  PaymentMethod card(String number, String... providers) {
    CardDetails.Builder card = CardDetails.newBuilder();
    for (String p : providers) {
      card.addTokens(ProviderToken.newBuilder().setProvider(p).setToken(tokenize(p, number)));
    }
    return PaymentMethod.newBuilder().setType(PaymentMethodType.CARD).setCard(card).build();
  }

  /** A create request for {@code customer} with a fresh key and reference. */
  CreatePaymentRequest.Builder request(
      String customer, long amount, String currency, String country, PaymentMethod method) {
    return CreatePaymentRequest.newBuilder()
        .setIdempotencyKey(key("create"))
        .setCustomerId(customer)
        .setReference("order-" + SEQ.incrementAndGet())
        .setAmount(amount)
        .setCurrency(currency)
        .setCountry(country)
        .setPaymentMethod(method)
        .setReturnUrl("https://shop.example/return");
  }

  String control(String method, String path, String body) {
    try {
      return sim.control(method, path, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The payer acts at the provider. */
  JsonNode act(String provider, String providerRef, String action, String body) {
    return json(
        control(
            "POST",
            "/providers/" + provider + "/payments/" + providerRef + "/actions/" + action,
            body == null ? "{}" : body));
  }

  /** Moves the simulator's clock. */
  void advance(Duration by) {
    control("POST", "/clock/advance", "{\"seconds\":" + by.toSeconds() + "}");
  }

  /** The provider's truth about {@code payment}. */
  JsonNode truth(Payment payment) {
    return json(
        control(
            "GET",
            "/providers/" + payment.getProvider() + "/payments/" + payment.getProviderReference(),
            null));
  }

  Payment get(String id) {
    return stub().getPayment(GetPaymentRequest.newBuilder().setPaymentId(id).build()).getPayment();
  }

  /** Waits until the payment is in one of {@code statuses}. */
  Payment await(String id, PaymentStatus... statuses) {
    Set<PaymentStatus> wanted = Set.of(statuses);
    return Await.value(
        Duration.ofSeconds(40),
        "payment " + id + " in " + Arrays.toString(statuses),
        () -> {
          Payment p = get(id);
          return wanted.contains(p.getStatus()) ? Optional.of(p) : Optional.empty();
        });
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every ledger transaction sums to zero and has at least two entries. */
  void assertLedgerBalanced() {
    assertThat(
            queryLong(
                "SELECT count(*) FROM (SELECT t.id FROM ledger_transactions t LEFT JOIN ledger_entries e "
                    + "ON e.transaction_id = t.id GROUP BY t.id HAVING coalesce(sum(e.amount), 0) <> 0 OR count(e.id) < 2) x"))
        .as("unbalanced ledger transactions")
        .isZero();
  }

  /** What the ledger says the provider owes for {@code paymentId}. */
  long receivable(String paymentId, String provider) {
    return queryLong(
        "SELECT coalesce(sum(e.amount), 0) FROM ledger_entries e JOIN ledger_transactions t ON "
            + "t.id = e.transaction_id WHERE t.payment_id = '"
            + paymentId
            + "' AND e.account = 'provider_receivable:"
            + provider
            + "'");
  }

  /** The ledger's receivable for the payment equals the provider's net (movements less fees). */
  void assertMatchesProvider(Payment payment) {
    JsonNode truth = truth(payment);
    long net = 0;
    for (JsonNode m : truth.path("movements")) {
      net += m.path("amount").asLong() - m.path("fee").asLong();
    }
    assertThat(receivable(payment.getId(), payment.getProvider()))
        .as("ledger receivable of %s vs %s's net", payment.getId(), payment.getProvider())
        .isEqualTo(net);
  }

  long queryLong(String sql) {
    try (Connection c = billing.postgres().dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}

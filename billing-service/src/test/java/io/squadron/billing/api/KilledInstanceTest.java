package io.squadron.billing.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.infra.process.Ports;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.PaymentStatus;
import io.squadron.proto.billing.v1.SepaDebitDetails;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.Await;
import io.squadron.testkit.ProvidersSimExtension;
import io.squadron.testkit.service.ServiceExtension;
import io.squadron.testkit.service.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * billing as its own process, killed with SIGKILL while payments are in flight at slow providers;
 * another instance started afterwards resolves every one of them by itself (its reconciler repeats
 * the lost starts with the same provider keys), each charged at most once, and the callers' retries
 * with the same idempotency keys get the same payments.
 */
class KilledInstanceTest {
  @RegisterExtension static final ProvidersSimExtension SIM = ProvidersSimExtension.ownServer();
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  // The in-process instance serves only to set everything up; it runs no reconciler until the
  // restart.
  @RegisterExtension
  static final ServiceExtension BILLING =
      ServiceExtension.forService("billing")
          .calls(PADLOCK)
          .providersSim(SIM)
          .config(BillingFixture.TEST_CONFIG)
          .config("squadron.billing.reconcile.enabled = false");

  static BillingFixture f;

  @BeforeAll
  static void fixture() {
    f = new BillingFixture(PADLOCK, BILLING, SIM);
  }

  @Test
  void killedWithPaymentsInFlight_everyOneResolvedAfterARestart_chargedAtMostOnce()
      throws Exception {
    String customer = f.customer();
    // Below the ephemeral range: a port the kernel picked may be taken by any outgoing connection.
    int port = Ports.random().next();
    Config childConfig =
        ConfigFactory.parseString(
                "squadron.server.port = " + port + "\nsquadron.billing.reconcile.enabled = true")
            .withFallback(BILLING.config());
    Path dir = Files.createTempDirectory("billing-child");
    Path configFile = dir.resolve("billing.conf");
    Files.writeString(
        configFile, childConfig.root().render(ConfigRenderOptions.concise().setJson(false)));
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "io.squadron.billing.api.BillingMain",
                "--config",
                configFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("billing.log").toFile())
            .start();
    List<CreatePaymentRequest> requests = new ArrayList<>();
    try (ChannelFactory channels = clientsTo(port)) {
      ManagedChannel channel = channels.channel("billing");
      BillingServiceGrpc.BillingServiceBlockingStub stub =
          BillingServiceGrpc.newBlockingStub(channel);
      Await.until(
          Duration.ofSeconds(90),
          "the billing process serving",
          () -> {
            try {
              stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                  .listPaymentMethods(
                      io.squadron.proto.billing.v1.ListPaymentMethodsRequest.newBuilder()
                          .setCountry("SE")
                          .setCurrency("EUR")
                          .setAmount(100)
                          .build());
              return true;
            } catch (StatusRuntimeException e) {
              return false;
            }
          });
      for (int i = 0; i < 12; i++) {
        PaymentMethod method =
            i % 3 == 2
                ? PaymentMethod.newBuilder()
                    .setType(PaymentMethodType.SEPA_DEBIT)
                    .setSepaDebit(
                        SepaDebitDetails.newBuilder()
                            .setIban("DE89370400440532013000")
                            .setAccountHolder("Ada"))
                    .build()
                : f.card("4242424242424242", "cardpay");
        requests.add(
            f.request(customer, 1000 + i, "EUR", i % 3 == 2 ? "DE" : "SE", method).build());
      }
      // Slow providers keep every start in flight when the process dies.
      f.control(
          "PUT", "/providers/cardpay/faults", "{\"latency_ms\": {\"min\": 4000, \"max\": 6000}}");
      f.control(
          "PUT", "/providers/sepadebit/faults", "{\"latency_ms\": {\"min\": 4000, \"max\": 6000}}");
      ExecutorService callers = Executors.newFixedThreadPool(requests.size());
      List<CompletableFuture<Object>> inFlight = new ArrayList<>();
      AtomicBoolean killed = new AtomicBoolean();
      for (CreatePaymentRequest r : requests) {
        inFlight.add(
            CompletableFuture.supplyAsync(
                () -> {
                  // As checkout would: UNAVAILABLE (e.g. Padlock's Cassandra slower than its
                  // timeout on a loaded machine,
                  // before anything was recorded) is retried with the same key, until the process
                  // is gone.
                  while (true) {
                    try {
                      return stub.withDeadlineAfter(30, TimeUnit.SECONDS).createPayment(r);
                    } catch (StatusRuntimeException e) {
                      if (killed.get() || e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                        return e;
                      }
                      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                    }
                  }
                },
                callers));
      }
      Await.until(
          Duration.ofSeconds(60),
          "every payment recorded and in flight at its provider",
          () ->
              f.queryLong(
                      "SELECT count(*) FROM payments WHERE customer_id = '"
                          + customer
                          + "' AND state = 'PENDING'")
                  == requests.size());
      killed.set(true);
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no grace, connections cut mid-call
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      for (CompletableFuture<Object> call : inFlight) {
        assertThat(call.get(30, TimeUnit.SECONDS)).isInstanceOf(StatusRuntimeException.class);
      }
      callers.shutdown();
    } finally {
      child.destroyForcibly(); // never outlives the test, whatever failed
    }
    f.control("POST", "/reset", "{\"faults\": true}");

    SquadronServer restarted = BILLING.startInstance("squadron.billing.reconcile.enabled = true");
    Await.until(
        Duration.ofSeconds(90),
        "every payment resolved",
        () ->
            f.queryLong(
                    "SELECT count(*) FROM payments "
                        + "WHERE customer_id = '"
                        + customer
                        + "' AND state IN ('PENDING')")
                == 0);
    f.advance(Duration.ofDays(3));
    BillingServiceGrpc.BillingServiceBlockingStub stub =
        BILLING.stub("checkout", restarted, BillingServiceGrpc::newBlockingStub);
    for (CreatePaymentRequest r : requests) {
      Payment p = stub.createPayment(r).getPayment(); // the caller's retry: the same payment
      assertThat(
              f.queryLong(
                  "SELECT count(*) FROM payments WHERE reference = '" + r.getReference() + "'"))
          .isEqualTo(1);
      Payment settled = f.await(p.getId(), PaymentStatus.SUCCEEDED);
      assertThat(
              BillingFixture.json(
                  f.control(
                      "GET",
                      "/providers/"
                          + settled.getProvider()
                          + "/payments?reference="
                          + settled.getId()
                          + "-1",
                      null)))
          .as("charged once")
          .hasSize(1);
      f.assertMatchesProvider(settled);
    }
    f.assertLedgerBalanced();
    // A count (an IntNode has no elements, so isEmpty() on it could never fail).
    assertThat(
            BillingFixture.json(f.control("GET", "/audit", null))
                .required("double_charged_references")
                .asInt())
        .as("provider references charged twice (the simulator's audit)")
        .isZero();
  }

  /** Channels to the billing process on {@code port}, as checkout over mutual TLS. */
  private static ChannelFactory clientsTo(int port) {
    Path certs = TestCertificates.shared().dirFor("checkout", "billing");
    Config client =
        ConfigLoader.withOverrides(
            ConfigFactory.parseString(
                "squadron.security { service-name = checkout, cert-dir = \""
                    + certs
                    + "\" }\n"
                    + "squadron.clients.billing { addresses = [\"127.0.0.1:"
                    + port
                    + "\"], deadline = 30s }\n"));
    return Platform.clients(client, Platform.newMeterRegistry()).build();
  }
}

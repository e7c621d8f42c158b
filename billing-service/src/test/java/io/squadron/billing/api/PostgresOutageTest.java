package io.squadron.billing.api;

import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentStatus;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.testkit.Await;
import io.squadron.testkit.PostgresExtension;
import io.squadron.testkit.ProvidersSimExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * billing on a private PostgreSQL server that stops: before a payment (UNAVAILABLE at once, nothing
 * sent to the provider) and in the middle of one (the provider charged, billing could not record
 * it): UNAVAILABLE, nothing half-written, and after the restart the same idempotency key finishes
 * the same payment, charged once.
 */
class PostgresOutageTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.ownServer();
  @RegisterExtension static final ProvidersSimExtension SIM = ProvidersSimExtension.ownServer();
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  @RegisterExtension
  static final ServiceExtension BILLING =
      ServiceExtension.forService("billing")
          .calls(PADLOCK)
          .postgres(PG)
          .providersSim(SIM)
          .config(BillingFixture.TEST_CONFIG)
          .config("squadron.stores.postgres.connection-timeout = 500ms");

  static BillingFixture f;

  @BeforeAll
  static void fixture() {
    f = new BillingFixture(PADLOCK, BILLING, SIM);
  }

  private static double providerCalls() {
    return BILLING
        .server()
        .meterRegistry()
        .find("billing_provider_request")
        .tags("provider", "cardpay", "operation", "create")
        .timers()
        .stream()
        .mapToLong(t -> t.count())
        .sum();
  }

  private static Payment retryUntilServed(
      BillingServiceGrpc.BillingServiceBlockingStub stub, CreatePaymentRequest request) {
    return Await.value(
        Duration.ofSeconds(60),
        "billing serving again",
        () -> {
          try {
            return Optional.of(stub.createPayment(request).getPayment());
          } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode())
                .as("only UNAVAILABLE or ABORTED (key in use) while it recovers")
                .isIn(Status.Code.UNAVAILABLE, Status.Code.ABORTED);
            return Optional.empty();
          }
        });
  }

  @Test
  void stoppedBeforeAPayment_unavailableFast_nothingSent_thenRecoversByItself() {
    String customer = f.customer();
    BillingServiceGrpc.BillingServiceBlockingStub stub = f.stub();
    stub.createPayment(
        f.request(customer, 1000, "EUR", "SE", f.card("4242424242424242", "cardpay")).build());
    CreatePaymentRequest request =
        f.request(customer, 1100, "EUR", "SE", f.card("4242424242424242", "cardpay")).build();
    double calls = providerCalls();
    PG.server().stop();
    long start = System.nanoTime();
    assertThatCall(() -> stub.createPayment(request))
        .hasCode(Status.Code.UNAVAILABLE)
        .hasReason(ErrorReason.DEPENDENCY_UNAVAILABLE)
        .hasRetryDelayAtMost(Duration.ofSeconds(5));
    assertThat(System.nanoTime() - start).as("fails fast").isLessThan(TimeUnit.SECONDS.toNanos(5));
    assertThat(providerCalls()).as("nothing sent to the provider").isEqualTo(calls);
    PG.server().restart();
    Payment p = retryUntilServed(stub, request);
    assertThat(p.getStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
    assertThat(
            f.queryLong(
                "SELECT count(*) FROM payments WHERE reference = '" + request.getReference() + "'"))
        .isEqualTo(1);
    f.assertMatchesProvider(p);
    f.assertLedgerBalanced();
  }

  @Test
  void stoppedWhileTheProviderCharges_theSameKeyFinishesThePayment_chargedOnce() throws Exception {
    String customer = f.customer();
    BillingServiceGrpc.BillingServiceBlockingStub stub = f.stub();
    CreatePaymentRequest request =
        f.request(customer, 1200, "EUR", "SE", f.card("4242424242424242", "cardpay")).build();
    f.control(
        "PUT", "/providers/cardpay/faults", "{\"latency_ms\": {\"min\": 2500, \"max\": 2500}}");
    CompletableFuture<Object> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return stub.createPayment(request);
              } catch (StatusRuntimeException e) {
                return e;
              }
            });
    Await.until(
        Duration.ofSeconds(20),
        "the payment recorded before the provider call",
        () ->
            f.queryLong(
                    "SELECT count(*) FROM payments WHERE reference = '"
                        + request.getReference()
                        + "'")
                == 1);
    PG.server().stop();
    Object outcome = first.get(30, TimeUnit.SECONDS);
    assertThat(outcome).isInstanceOf(StatusRuntimeException.class);
    assertThat(((StatusRuntimeException) outcome).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    PG.server().restart();
    f.control("POST", "/reset", "{\"faults\": true}");
    Payment p = retryUntilServed(stub, request);
    Payment settled =
        p.getStatus() == PaymentStatus.SUCCEEDED ? p : f.await(p.getId(), PaymentStatus.SUCCEEDED);
    assertThat(
            BillingFixture.json(
                f.control(
                    "GET",
                    "/providers/cardpay/payments?reference=" + settled.getId() + "-1",
                    null)))
        .as("charged once")
        .hasSize(1);
    assertThat(
            f.queryLong(
                "SELECT count(*) FROM payments WHERE reference = '" + request.getReference() + "'"))
        .isEqualTo(1);
    f.assertMatchesProvider(settled);
    f.assertLedgerBalanced();
  }
}

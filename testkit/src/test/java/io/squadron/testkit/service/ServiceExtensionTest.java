package io.squadron.testkit.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.testkit.grpc.RpcErrorAssert;
import java.sql.Connection;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test-only service (EchoMain and its descriptor in test resources) started the way every service
 * is tested.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceExtensionTest {
  @RegisterExtension
  static final ServiceExtension ECHO = ServiceExtension.forService("echo").appToken("ios");

  private static long echo(ShuffleServiceGrpc.ShuffleServiceBlockingStub stub, long seed) {
    return stub.shuffle(ShuffleRequest.newBuilder().setSeed(seed).build()).getSeed();
  }

  @Test
  @Order(1)
  void startsFromTheDescriptor_withItsOwnDatabase_andCallsAsTheNamedCallerOverMutualTls()
      throws Exception {
    assertThat(ECHO.port()).isPositive();
    assertThat(
            ECHO.stub("checkout", HealthGrpc::newBlockingStub)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
    var asCheckout = ECHO.stub("checkout", ShuffleServiceGrpc::newBlockingStub);
    assertThat(
            asCheckout
                .shuffle(ShuffleRequest.newBuilder().setSeed(9).build())
                .getTracks(0)
                .getTrackId())
        .isEqualTo("checkout");
    assertThat(ECHO.config().getString("squadron.stores.postgres.url"))
        .isEqualTo(ECHO.postgres().jdbcUrl());
    try (Connection c = ECHO.postgres().dataSource().getConnection()) {
      assertThat(c.getCatalog()).isEqualTo(ECHO.postgres().database());
    }
    assertThat(ECHO.config().getString("squadron.echo.secret")).hasSize(44);
    assertThat(ECHO.config().getString("squadron.security.service-name")).isEqualTo("echo");
  }

  @Test
  @Order(2)
  void thePolicyComesFromTheDescriptor() {
    RpcErrorAssert.assertThatCall(
            () -> echo(ECHO.stub("billing", ShuffleServiceGrpc::newBlockingStub), 1))
        .hasCode(Status.Code.PERMISSION_DENIED)
        .hasReason(ErrorReason.CALLER_NOT_ALLOWED)
        .hasMessageContaining("squadron.shuffle.v1.ShuffleService/Shuffle");
  }

  @Test
  @Order(3)
  void anAppCallsWithItsTokenOverTlsWithoutACertificate() {
    var app = ECHO.appStub("ios", ShuffleServiceGrpc::newBlockingStub);
    assertThat(
            app.shuffle(ShuffleRequest.newBuilder().setSeed(5).build()).getTracks(0).getTrackId())
        .isEqualTo("app:ios");
  }

  @Test
  @Order(4)
  void stopAndStartAgain_onTheSameStores_andTheSameChannel() {
    var stub = ECHO.stub("checkout", ShuffleServiceGrpc::newBlockingStub);
    int closedBefore = EchoMain.CLOSED.get();
    ECHO.stop();
    assertThat(EchoMain.CLOSED.get())
        .as("registered resources closed once on stop")
        .isEqualTo(closedBefore + 1);
    assertThatThrownBy(() -> echo(stub, 1)).isInstanceOf(StatusRuntimeException.class);
    assertThatThrownBy(ECHO::server).isInstanceOf(IllegalStateException.class);

    ECHO.start();
    assertThat(echo(ECHO.stub("checkout", ShuffleServiceGrpc::newBlockingStub), 3)).isEqualTo(3);
  }
}

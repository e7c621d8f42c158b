package io.squadron.testkit.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceExtensionTest {
  private static final AtomicInteger CALLS = new AtomicInteger();

  @RegisterExtension
  static final ServiceExtension SERVICE = ServiceExtension.of(() -> SquadronServer.builder(ServerSettings.loopback())
      .service(new ShuffleServiceGrpc.ShuffleServiceImplBase() {
        @Override
        public void shuffle(ShuffleRequest request, StreamObserver<ShuffleResponse> out) {
          CALLS.incrementAndGet();
          out.onNext(ShuffleResponse.newBuilder().setSeed(request.getSeed()).build());
          out.onCompleted();
        }
      })
      .build()
      .start());

  @Test
  @Order(1)
  void handsTheTestAReadyStub() {
    assertThat(SERVICE.port()).isPositive();
    assertThat(SERVICE.stub(HealthGrpc::newBlockingStub).check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(SERVICE.stub(ShuffleServiceGrpc::newBlockingStub)
        .shuffle(ShuffleRequest.newBuilder().setSeed(9).build()).getSeed()).isEqualTo(9);
    assertThat(CALLS.get()).isEqualTo(1);
  }

  @Test
  @Order(2)
  void stopAndStartAgain() {
    var stub = SERVICE.stub(ShuffleServiceGrpc::newBlockingStub);
    SERVICE.stop();
    assertThatThrownBy(() -> stub.shuffle(ShuffleRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class);
    assertThatThrownBy(SERVICE::channel).isInstanceOf(IllegalStateException.class);

    SERVICE.start();
    assertThat(SERVICE.stub(ShuffleServiceGrpc::newBlockingStub)
        .shuffle(ShuffleRequest.newBuilder().setSeed(3).build()).getSeed()).isEqualTo(3);
  }
}

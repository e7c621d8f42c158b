package io.squadron.userdb.api;

import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.userdb.v1.CreateUserRequest;
import io.squadron.proto.userdb.v1.GetUserRequest;
import io.squadron.proto.userdb.v1.User;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import io.squadron.testkit.Await;
import io.squadron.testkit.PostgresExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * userdb on a private PostgreSQL server that is stopped mid-run: UNAVAILABLE fast, nothing lost,
 * recovery alone.
 */
class StoreOutageTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.ownServer();
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  @RegisterExtension
  static final ServiceExtension USERDB =
      ServiceExtension.forService("userdb")
          .calls(PADLOCK)
          .postgres(PG)
          .config(
              """
          squadron.userdb.store = postgres
          squadron.stores.postgres.connection-timeout = 500ms
          squadron.padlock-client.deadline = 5s
          """);

  @Test
  void postgresStopped_unavailableFast_thenRecoversWithTheDataIntact() {
    UserServiceGrpc.UserServiceBlockingStub stub =
        USERDB.stub("checkout", UserServiceGrpc::newBlockingStub);
    User u =
        stub.createUser(
                CreateUserRequest.newBuilder()
                    .setUsername("survivor")
                    .setEmail("s@example.com")
                    .setCountry("SE")
                    .build())
            .getUser();

    PG.server().stop();
    long start = System.nanoTime();
    assertThatCall(() -> stub.getUser(GetUserRequest.newBuilder().setId(u.getId()).build()))
        .hasCode(Status.Code.UNAVAILABLE)
        .hasReason(ErrorReason.DEPENDENCY_UNAVAILABLE)
        .hasRetryDelayAtMost(Duration.ofSeconds(5))
        .hasMessageNotContaining("survivor");
    assertThat(System.nanoTime() - start).as("fails fast").isLessThan(TimeUnit.SECONDS.toNanos(5));

    PG.server().restart();
    User back =
        Await.value(
            Duration.ofSeconds(20),
            "userdb serving the user again",
            () -> {
              try {
                return Optional.of(
                    stub.getUser(GetUserRequest.newBuilder().setId(u.getId()).build()).getUser());
              } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode())
                    .as("only UNAVAILABLE while it recovers")
                    .isEqualTo(Status.Code.UNAVAILABLE);
                return Optional.empty();
              }
            });
    assertThat(back).isEqualTo(u);
  }
}

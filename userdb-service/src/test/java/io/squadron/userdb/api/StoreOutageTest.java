package io.squadron.userdb.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.proto.userdb.v1.CreateUserRequest;
import io.squadron.proto.userdb.v1.GetUserRequest;
import io.squadron.proto.userdb.v1.User;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import io.squadron.testkit.CassandraExtension;
import io.squadron.testkit.MemcachedExtension;
import io.squadron.testkit.PostgresExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** userdb on a private PostgreSQL server that is stopped mid-run: UNAVAILABLE fast, nothing lost, recovery alone. */
class StoreOutageTest {
  @RegisterExtension
  static final PostgresExtension PG = PostgresExtension.ownServer();
  @RegisterExtension
  static final CassandraExtension CASSANDRA = CassandraExtension.perClass();
  @RegisterExtension
  static final MemcachedExtension MEMCACHED = MemcachedExtension.perClass();

  @Test
  void postgresStopped_unavailableFast_thenRecoversWithTheDataIntact() throws Exception {
    try (Testbed testbed = Testbed.start(PG.jdbcUrl(), CASSANDRA.endpoint().toString(), CASSANDRA.keyspace(),
        MEMCACHED.hostAndPort());
        UserdbServer userdb = UserdbMain.start(testbed.userdbConfig("""
            squadron.userdb.store = postgres
            squadron.stores.postgres.connection-timeout = 500ms
            """))) {
      UserServiceGrpc.UserServiceBlockingStub stub = testbed.stub(userdb.port());
      User u = stub.createUser(CreateUserRequest.newBuilder().setUsername("survivor").setEmail("s@example.com")
          .setCountry("SE").build()).getUser();

      PG.server().stop();
      long start = System.nanoTime();
      try {
        stub.getUser(GetUserRequest.newBuilder().setId(u.getId()).build());
        throw new AssertionError("expected UNAVAILABLE");
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(StatusProto.fromThrowable(e).getDetailsList().stream().filter(a -> a.is(ErrorInfo.class))
            .findFirst().orElseThrow().unpack(ErrorInfo.class).getReason()).isEqualTo("DEPENDENCY_UNAVAILABLE");
        assertThat(e.getStatus().getDescription()).doesNotContain("survivor");
      }
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));

      PG.server().restart();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        try {
          assertThat(stub.getUser(GetUserRequest.newBuilder().setId(u.getId()).build()).getUser()).isEqualTo(u);
          break;
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(System.nanoTime()).as("recovered in 20 s").isLessThan(deadline);
          Thread.sleep(200);
        }
      }
    }
  }
}

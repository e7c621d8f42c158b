package io.squadron.padlock.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.DerivedKeyResult;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.testkit.Await;
import io.squadron.testkit.CassandraExtension;
import io.squadron.testkit.MemcachedExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Store faults on private servers: memcached killed mid-run (Cassandra still serves), Cassandra
 * paused (users cached in memcached are served, the others fail fast with UNAVAILABLE per item),
 * and recovery without a restart. The server's memory cache is off here, so every lookup really
 * goes to memcached and Cassandra. Padlock runs on the private servers through ServiceExtension, as
 * in production (mutual TLS, its real policy).
 */
class PadlockStoreFaultEdgeTest {
  @RegisterExtension static final CassandraExtension CASSANDRA = CassandraExtension.ownServer();
  @RegisterExtension static final MemcachedExtension MEMCACHED = MemcachedExtension.ownServer();

  @RegisterExtension
  static final ServiceExtension PADLOCK =
      ServiceExtension.forService("padlock")
          .cassandra(CASSANDRA)
          .memcached(MEMCACHED)
          .config(
              "squadron.padlock.cache.max-users = 0\nsquadron.stores.memcached.op-timeout = 200ms\n"
                  // Short on purpose: this class shows a paused Cassandra failing fast.
                  + "squadron.stores.cassandra.request-timeout = 500ms");

  private static String newUser() {
    String user = "user-" + UUID.randomUUID();
    PADLOCK
        .stub("userdb", PadlockServiceGrpc::newBlockingStub)
        .createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build());
    return user;
  }

  private static DerivedKeyResult derive(String user) {
    return PADLOCK
        .stub("userdb", PadlockServiceGrpc::newBlockingStub)
        .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
        .getDerivedKeys(
            GetDerivedKeysRequest.newBuilder()
                .addItems(DerivedKeyItem.newBuilder().setUserId(user).setCategory("account"))
                .build())
        .getResults(0);
  }

  private static List<DerivedKeyResult> derive(String... users) {
    GetDerivedKeysRequest.Builder request = GetDerivedKeysRequest.newBuilder();
    for (String user : users) {
      request.addItems(DerivedKeyItem.newBuilder().setUserId(user).setCategory("account"));
    }
    return PADLOCK
        .stub("userdb", PadlockServiceGrpc::newBlockingStub)
        .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
        .getDerivedKeys(request.build())
        .getResultsList();
  }

  private static double counter(String name, String... tags) {
    var search = PADLOCK.server().meterRegistry().find(name).tags(tags);
    return search.counter() == null ? 0 : search.counter().count();
  }

  @Test
  void memcachedKilledMidRun_cassandraServes_thenMemcachedComesBack() throws Exception {
    String user = newUser();
    ByteString key = derive(user).getKey();
    double cassandraHits = counter("padlock.cache.requests", "layer", "cassandra", "result", "hit");

    MEMCACHED.server().stop();
    for (int i = 0; i < 5; i++) {
      DerivedKeyResult result = derive(user);
      assertThat(result.hasStatus()).as("served with memcached down").isFalse();
      assertThat(result.getKey()).isEqualTo(key);
    }
    String fresh = newUser();
    assertThat(derive(fresh).hasStatus()).isFalse();
    assertThat(counter("padlock.cache.requests", "layer", "cassandra", "result", "hit"))
        .isGreaterThanOrEqualTo(cassandraHits + 6);

    MEMCACHED.server().restart();
    double memcachedHits = counter("padlock.cache.requests", "layer", "memcached", "result", "hit");
    Await.until(
        Duration.ofSeconds(20),
        "memcached serving again",
        () ->
            derive(user).getKey().equals(key)
                && counter("padlock.cache.requests", "layer", "memcached", "result", "hit")
                    > memcachedHits);
  }

  @Test
  void cassandraPaused_memcachedUsersServed_uncachedFailFastUnavailable_thenRecovers()
      throws Exception {
    String warm = newUser();
    ByteString warmKey = derive(warm).getKey(); // read from Cassandra, now in memcached
    double memcachedHits = counter("padlock.cache.requests", "layer", "memcached", "result", "hit");
    Await.until(
        Duration.ofSeconds(10),
        "a memcached hit",
        () -> {
          derive(warm);
          return counter("padlock.cache.requests", "layer", "memcached", "result", "hit")
              > memcachedHits;
        });
    String cold = newUser(); // created, never read: in no cache

    CASSANDRA.server().pause();
    try {
      long start = System.nanoTime();
      List<DerivedKeyResult> results = derive(warm, cold);
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(results.get(0).hasStatus()).as("warm user from memcached").isFalse();
      assertThat(results.get(0).getKey()).isEqualTo(warmKey);
      assertThat(results.get(1).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
      // Fails within two request timeouts (500 ms each: LOCAL_ONE then LOCAL_QUORUM at most), no
      // retries.
      assertThat(elapsedMs).isLessThan(2_500);

      DerivedKeyResult again = derive(cold);
      assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
      assertThat(derive(warm).getKey()).isEqualTo(warmKey);
    } finally {
      CASSANDRA.server().resume();
    }
    Await.until(Duration.ofSeconds(30), "Cassandra serving again", () -> !derive(cold).hasStatus());
  }
}

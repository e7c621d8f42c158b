package io.squadron.padlock.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.squadron.padlock.client.KeyRef;
import io.squadron.padlock.client.KeyResult;
import io.squadron.padlock.client.PadlockClient;
import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.proto.padlock.v1.BlockCategoryRequest;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.DeleteUserKeysRequest;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.DerivedKeyResult;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.GetDerivedKeysResponse;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.Await;
import io.squadron.testkit.service.ServiceExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hardening of issue 11 at Padlock's edge, on real Cassandra and memcached: a shred racing
 * lookups, memcached entries written by someone else (a lifted block, a replayed pre-shred entry),
 * the second marker write at close, the negative cache and the deadline of a batch of unknown
 * users, and the client's cache racing a shred.
 */
class PadlockHardeningEdgeTest {
  @RegisterExtension
  static final ServiceExtension PADLOCK =
      ServiceExtension.forService("padlock")
          // The machine is small and shared: these tests are about what is cached, not about how
          // fast.
          .config("squadron.stores { cassandra.request-timeout = 5s, memcached.op-timeout = 1s }");

  /**
   * A second instance that keeps nothing in memory (every lookup reads memcached, then Cassandra)
   * and no absences.
   */
  private static SquadronServer noMemory;

  @BeforeAll
  static void startNoMemoryInstance() {
    noMemory = PADLOCK.startInstance("squadron.padlock.cache { max-users = 0, absent-ttl = 0s }");
  }

  @AfterAll
  static void stopNoMemoryInstance() {
    noMemory.close();
  }

  private static PadlockServiceGrpc.PadlockServiceBlockingStub userdb() {
    return PADLOCK.stub("userdb", PadlockServiceGrpc::newBlockingStub);
  }

  private static PadlockServiceGrpc.PadlockServiceBlockingStub userdbAt(SquadronServer instance) {
    return PADLOCK.stub("userdb", instance, PadlockServiceGrpc::newBlockingStub);
  }

  private static String newUser() {
    String user = "user-" + UUID.randomUUID();
    userdb().createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build());
    return user;
  }

  private static DerivedKeyResult derive(
      PadlockServiceGrpc.PadlockServiceBlockingStub stub, String user, String category) {
    return stub.getDerivedKeys(
            GetDerivedKeysRequest.newBuilder()
                .addItems(DerivedKeyItem.newBuilder().setUserId(user).setCategory(category))
                .build())
        .getResults(0);
  }

  private static String memcachedKey(String user) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(user.getBytes(StandardCharsets.UTF_8));
    return PADLOCK.memcached().prefix()
        + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  private static double counter(SquadronServer server, String name, String... tags) {
    var found = server.meterRegistry().find(name).tags(tags).counter();
    return found == null ? 0 : found.count();
  }

  @Test
  void shredRacesLookup_lookupsRacingAShred_nothingServesTheKeysOnceItReturned() throws Exception {
    // Bounded: 10 users, each looked up by three threads while it is shredded; the threads stop
    // after the shred.
    List<String> leaks = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      String user = newUser(); // in no cache yet: the racing lookups read Cassandra
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(3);
      List<CompletableFuture<Void>> lookups = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        lookups.add(
            CompletableFuture.runAsync(
                () -> {
                  started.countDown();
                  while (!stop.get()) {
                    derive(userdb(), user, "account");
                  }
                }));
      }
      started.await(10, TimeUnit.SECONDS);
      userdb().deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(user).build());
      stop.set(true);
      CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      for (int i = 0; i < 3; i++) {
        if (!derive(userdb(), user, "account").getKey().isEmpty()) {
          leaks.add("round " + round + ": the shredding instance's memory");
        }
        if (!derive(userdbAt(noMemory), user, "account").getKey().isEmpty()) {
          leaks.add("round " + round + ": memcached");
        }
      }
    }
    assertThat(leaks).as("keys served after DeleteUserKeys returned").isEmpty();
  }

  @Test
  void memcachedEntriesNotAuthenticated_entryWithTheBlockLifted_ignoredCountedAndRefetched()
      throws Exception {
    String user = newUser();
    userdb()
        .blockCategory(
            BlockCategoryRequest.newBuilder().setUserId(user).setCategory("listening").build());
    // Someone who can write to memcached writes the user's entry without the block: the wrapped
    // root and master
    // version are the user's real ones (as a backup or an earlier entry holds them), the blocked
    // list is empty.
    Row row =
        PADLOCK
            .cassandra()
            .session()
            .execute(
                "SELECT master_version, wrapped_root FROM user_keys " + "WHERE user_id = ?", user)
            .one();
    ByteBuffer wrapped = row.getByteBuffer("wrapped_root");
    ByteBuffer forged = ByteBuffer.allocate(1 + 4 + 2 + wrapped.remaining() + 1);
    forged
        .put((byte) 1)
        .putInt(row.getInt("master_version"))
        .putShort((short) wrapped.remaining())
        .put(wrapped.duplicate())
        .put((byte) 0);
    PADLOCK
        .memcached()
        .client()
        .set(memcachedKey(user), 3600, forged.array())
        .get(5, TimeUnit.SECONDS);

    double rejectedBefore =
        counter(noMemory, "padlock.memcached.rejected", "reason", "format")
            + counter(noMemory, "padlock.memcached.rejected", "reason", "forged");
    for (int i = 0; i < 3; i++) {
      DerivedKeyResult result = derive(userdbAt(noMemory), user, "listening");
      assertThat(result.getKey().isEmpty()).as("a key of the blocked category").isTrue();
      assertThat(result.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
    }
    assertThat(
            counter(noMemory, "padlock.memcached.rejected", "reason", "format")
                + counter(noMemory, "padlock.memcached.rejected", "reason", "forged"))
        .isGreaterThan(rejectedBefore);
    // Refetched: the entry is the store's again (a memcached hit that is blocked, no more
    // rejections).
    double rejected = counter(noMemory, "padlock.memcached.rejected", "reason", "format");
    double hits =
        counter(noMemory, "padlock.cache.requests", "layer", "memcached", "result", "hit");
    assertThat(derive(userdbAt(noMemory), user, "listening").getStatus().getCode())
        .isEqualTo(Status.Code.FAILED_PRECONDITION.value());
    assertThat(counter(noMemory, "padlock.memcached.rejected", "reason", "format"))
        .isEqualTo(rejected);
    assertThat(counter(noMemory, "padlock.cache.requests", "layer", "memcached", "result", "hit"))
        .isGreaterThan(hits);
  }

  @Test
  void memcachedEntriesNotAuthenticated_preShredEntryReplayedAfterTheShred_refused()
      throws Exception {
    String user = newUser();
    assertThat(derive(userdb(), user, "account").hasStatus()).isFalse();
    String key = memcachedKey(user);
    Object captured =
        Await.value(
            Duration.ofSeconds(10),
            "the user's memcached entry",
            () -> java.util.Optional.ofNullable(PADLOCK.memcached().client().get(key)));
    double applied = counter(noMemory, "padlock.changes.applied");
    userdb().deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(user).build());
    PADLOCK.memcached().client().set(key, 3600, captured).get(5, TimeUnit.SECONDS); // the replay
    // The other instance learns of the shred from the change log (about every second; the
    // documented bound).
    Await.until(
        Duration.ofSeconds(30),
        "the other instance read the shred from the change log",
        () -> counter(noMemory, "padlock.changes.applied") > applied);

    for (int i = 0; i < 3; i++) {
      DerivedKeyResult result = derive(userdbAt(noMemory), user, "account");
      assertThat(result.getKey().isEmpty()).as("a key of a shredded user").isTrue();
      assertThat(result.getStatus().getMessage()).contains("deleted");
    }
    assertThat(derive(userdb(), user, "account").getKey().isEmpty()).isTrue();
  }

  @Test
  void shredRacesLookup_secondMarkerStillPendingAtClose_isWrittenNotDropped() throws Exception {
    String user = newUser();
    SquadronServer instance =
        PADLOCK.startInstance(
            "squadron.padlock.cache { second-marker-delay = 1h, " + "second-delete-delay = 1h }");
    userdbAt(instance).deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(user).build());
    // A stale entry lands after the first marker (a late fill, an eviction then a refill: what the
    // second write is
    // for), then the instance shuts down with its second write still an hour away.
    byte[] stale = {1, 0, 0, 0, 1, 0, 0, 0};
    PADLOCK.memcached().client().set(memcachedKey(user), 3600, stale).get(5, TimeUnit.SECONDS);
    instance.shutdownGracefully();
    Object after = PADLOCK.memcached().client().get(memcachedKey(user));
    assertThat(after).as("the entry after close").isInstanceOf(byte[].class);
    assertThat((byte[]) after).isNotEqualTo(stale);
  }

  @Test
  void limits_batchOfUnknownUsers_readOnceThenFromTheNegativeCache_untilCreatedHere() {
    List<String> unknown = new ArrayList<>();
    GetDerivedKeysRequest.Builder request = GetDerivedKeysRequest.newBuilder();
    for (int i = 0; i < 500; i++) {
      String user = "unknown-" + UUID.randomUUID();
      unknown.add(user);
      request.addItems(DerivedKeyItem.newBuilder().setUserId(user).setCategory("account"));
    }
    SquadronServer server = PADLOCK.server();
    double misses =
        counter(server, "padlock.cache.requests", "layer", "cassandra", "result", "miss");
    assertThat(userdb().getDerivedKeys(request.build()).getResultsList())
        .allMatch(r -> r.getStatus().getCode() == Status.Code.NOT_FOUND.value());
    assertThat(counter(server, "padlock.cache.requests", "layer", "cassandra", "result", "miss"))
        .isEqualTo(misses + 500);
    assertThat(userdb().getDerivedKeys(request.build()).getResultsList())
        .allMatch(r -> r.getStatus().getCode() == Status.Code.NOT_FOUND.value());
    assertThat(counter(server, "padlock.cache.requests", "layer", "cassandra", "result", "miss"))
        .as("the second identical batch reads no store")
        .isEqualTo(misses + 500);

    String created = unknown.get(7);
    userdb().createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(created).build());
    assertThat(derive(userdb(), created, "account").hasStatus())
        .as("created here: known at once")
        .isFalse();
  }

  @Test
  void limits_batchOfUnknownUsersWhoseCallIsGone_stopsReadingTheStore() throws Exception {
    // A call that passed its deadline and one its caller cancelled are the same to the server (its
    // context is
    // cancelled); cancelling once the server is seen reading makes the test independent of the
    // machine's speed.
    SquadronServer instance = noMemory;
    GetDerivedKeysRequest.Builder request = GetDerivedKeysRequest.newBuilder();
    for (int i = 0; i < 10_000; i++) {
      request.addItems(
          DerivedKeyItem.newBuilder()
              .setUserId("gone-" + UUID.randomUUID())
              .setCategory("account"));
    }
    double misses =
        counter(instance, "padlock.cache.requests", "layer", "cassandra", "result", "miss");
    double memcachedMisses =
        counter(instance, "padlock.cache.requests", "layer", "memcached", "result", "miss");
    CompletableFuture<Status> outcome = new CompletableFuture<>();
    Context.CancellableContext call = Context.current().withCancellation();
    call.run(
        () ->
            PADLOCK
                .stub("userdb", instance, PadlockServiceGrpc::newStub)
                .getDerivedKeys(
                    request.build(),
                    new StreamObserver<GetDerivedKeysResponse>() {
                      @Override
                      public void onNext(GetDerivedKeysResponse value) {}

                      @Override
                      public void onError(Throwable t) {
                        outcome.complete(Status.fromThrowable(t));
                      }

                      @Override
                      public void onCompleted() {
                        outcome.complete(Status.OK);
                      }
                    }));
    // memcached misses are counted before Cassandra is read: the server is reading now.
    Await.until(
        Duration.ofSeconds(60),
        "the server reading the store for the call",
        () ->
            counter(instance, "padlock.cache.requests", "layer", "memcached", "result", "miss")
                >= memcachedMisses + 10_000);
    call.cancel(null);
    assertThat(outcome.get(30, TimeUnit.SECONDS).getCode())
        .isIn(Status.Code.CANCELLED, Status.Code.DEADLINE_EXCEEDED);
    Await.until(
        Duration.ofSeconds(60),
        "the server gave up on the abandoned call",
        () -> counter(instance, "padlock.lookups.abandoned") > 0);
    double read =
        counter(instance, "padlock.cache.requests", "layer", "cassandra", "result", "miss")
            - misses;
    assertThat(read).isLessThan(10_000);
    assertThat(read + counter(instance, "padlock.lookups.abandoned")).isEqualTo(10_000);
  }

  /** Holds every GetDerivedKeys response until {@code release} opens. */
  private static ClientInterceptor holdingResponses(
      CountDownLatch inFlight, CountDownLatch release) {
    return new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(
          MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        ClientCall<Q, A> call = next.newCall(method, options);
        if (!method.getFullMethodName().endsWith("/GetDerivedKeys")) {
          return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            super.start(
                new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                  @Override
                  public void onMessage(A message) {
                    inFlight.countDown();
                    try {
                      release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    super.onMessage(message);
                  }
                },
                headers);
          }
        };
      }
    };
  }

  @Test
  void clientFetchInFlightDuringDeleteUserKeys_keysNotCachedAfterwards() throws Exception {
    String user = newUser();
    CountDownLatch inFlight = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PadlockClient client =
        PadlockClient.builder(
                ClientInterceptors.intercept(
                    PADLOCK.channel("userdb"), holdingResponses(inFlight, release)))
            .deadline(Duration.ofSeconds(60))
            .build();
    CompletableFuture<Map<KeyRef, KeyResult>> fetch =
        CompletableFuture.supplyAsync(() -> client.keys(List.of(KeyRef.current(user, "account"))));
    assertThat(inFlight.await(30, TimeUnit.SECONDS))
        .as("the fetch reached the server and got its answer")
        .isTrue();
    client.deleteUserKeys(user);
    release.countDown();
    assertThat(fetch.get(60, TimeUnit.SECONDS).get(KeyRef.current(user, "account")).isOk())
        .as("the fetch raced the shred: its own caller may get the keys")
        .isTrue();

    try {
      client.currentKey(user, "account");
      throw new AssertionError("the shredded user's key came from the client's cache");
    } catch (PadlockKeyException e) {
      assertThat(e.reason()).isEqualTo(PadlockKeyException.Reason.KEYS_DELETED);
    }
  }
}

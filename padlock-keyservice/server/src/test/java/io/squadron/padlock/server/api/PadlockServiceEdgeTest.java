package io.squadron.padlock.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.padlock.client.Field;
import io.squadron.padlock.client.FieldCipher;
import io.squadron.padlock.client.FieldCipherException;
import io.squadron.padlock.client.PadlockClient;
import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.proto.padlock.v1.BlockCategoryRequest;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.DeleteUserKeysRequest;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.DerivedKeyResult;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.proto.padlock.v1.RotateMasterKeyRequest;
import io.squadron.proto.padlock.v1.RotateMasterKeyResponse;
import io.squadron.proto.padlock.v1.UnblockCategoryRequest;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.infra.certs.DevCerts;
import io.squadron.testkit.CassandraExtension;
import io.squadron.testkit.MemcachedExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Padlock server on a loopback port with mutual TLS, its real Cassandra keyspace and memcached prefix,
 * called through rpc-core's channel factory as different services, with the generated stub and with the client
 * library.
 */
class PadlockServiceEdgeTest {
  @RegisterExtension
  static final CassandraExtension CASSANDRA = CassandraExtension.perClass();
  @RegisterExtension
  static final MemcachedExtension MEMCACHED = MemcachedExtension.perClass();

  @TempDir
  static Path pki;

  private static PadlockServer padlock;
  private static final List<AutoCloseable> toClose = new ArrayList<>();
  private static PadlockServiceGrpc.PadlockServiceBlockingStub userdb;
  private static PadlockServiceGrpc.PadlockServiceBlockingStub billing;
  private static PadlockServiceGrpc.PadlockServiceBlockingStub checkout;
  private static ChannelFactory userdbChannels;

  @BeforeAll
  static void start() throws Exception {
    DevCerts.generate(pki, List.of("padlock", "userdb", "billing", "checkout", "padlock-admin"));
    padlock = startServer("squadron.padlock.categories { account = 2, payment = 1, listening = 1, ads = 1 }");
    userdbChannels = channels("userdb");
    userdb = PadlockServiceGrpc.newBlockingStub(userdbChannels.channel("padlock"));
    billing = PadlockServiceGrpc.newBlockingStub(channels("billing").channel("padlock"));
    checkout = PadlockServiceGrpc.newBlockingStub(channels("checkout").channel("padlock"));
  }

  private static PadlockServer startServer(String extra) {
    return PadlockMain.start(PadlockTestConfig.server(CASSANDRA.endpoint().toString(), CASSANDRA.keyspace(),
        MEMCACHED.hostAndPort(), MEMCACHED.prefix(), pki, extra));
  }

  private static ChannelFactory channels(String caller) {
    ChannelFactory channels = PadlockTestConfig.channelsAs(caller, padlock.port(), pki);
    toClose.add(channels);
    return channels;
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    padlock.close();
  }

  private static String newUser() {
    String user = "user-" + UUID.randomUUID();
    assertThat(userdb.createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build()).getCreated())
        .isTrue();
    return user;
  }

  private static DerivedKeyItem item(String user, String category, int version) {
    return DerivedKeyItem.newBuilder().setUserId(user).setCategory(category).setKeyVersion(version).build();
  }

  private static DerivedKeyResult one(PadlockServiceGrpc.PadlockServiceBlockingStub stub, String user,
      String category) {
    return stub.getDerivedKeys(GetDerivedKeysRequest.newBuilder().addItems(item(user, category, 0)).build())
        .getResults(0);
  }

  private static String reason(com.google.rpc.Status status) throws Exception {
    for (var detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        return detail.unpack(ErrorInfo.class).getReason();
      }
    }
    throw new AssertionError("no ErrorInfo in " + status);
  }

  @Test
  void createThenDerive_stableKeyOfCurrentVersion_createIsIdempotent() {
    String user = newUser();
    assertThat(userdb.createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build()).getCreated())
        .isFalse();
    DerivedKeyResult first = one(userdb, user, "account");
    assertThat(first.hasStatus()).isFalse();
    assertThat(first.getKey().size()).isEqualTo(32);
    assertThat(first.getKeyVersion()).isEqualTo(2);
    assertThat(one(userdb, user, "account").getKey()).isEqualTo(first.getKey());
  }

  @Test
  void sameUser_differentServiceCategoryOrVersion_differentKeys() {
    String user = newUser();
    ByteString userdbKey = one(userdb, user, "account").getKey();
    ByteString billingKey = one(billing, user, "account").getKey();
    ByteString payment = one(userdb, user, "payment").getKey();
    ByteString v1 = userdb.getDerivedKeys(GetDerivedKeysRequest.newBuilder().addItems(item(user, "account", 1))
        .build()).getResults(0).getKey();
    ByteString otherUser = one(userdb, newUser(), "account").getKey();
    assertThat(List.of(userdbKey, billingKey, payment, v1, otherUser)).doesNotHaveDuplicates();
  }

  @Test
  void batch_eachItemHasItsOwnOutcome() throws Exception {
    String good = newUser();
    String deleted = newUser();
    userdb.deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(deleted).build());
    String blocked = newUser();
    userdb.blockCategory(BlockCategoryRequest.newBuilder().setUserId(blocked).setCategory("ads").build());

    List<DerivedKeyResult> results = userdb.getDerivedKeys(GetDerivedKeysRequest.newBuilder()
        .addItems(item(good, "account", 0))
        .addItems(item("never-created-" + UUID.randomUUID(), "account", 0))
        .addItems(item(deleted, "account", 0))
        .addItems(item(blocked, "ads", 0))
        .addItems(item(blocked, "account", 0))
        .addItems(item("", "account", 0))
        .addItems(item(good, "no-such-category", 0))
        .addItems(item(good, "payment", 7))
        .addItems(item(good, "payment", 0))
        .build()).getResultsList();

    assertThat(results).hasSize(9);
    assertThat(results.get(0).hasStatus()).isFalse();
    assertThat(results.get(1).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
    assertThat(reason(results.get(1).getStatus())).isEqualTo("USER_KEYS_NOT_FOUND");
    assertThat(results.get(2).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
    assertThat(reason(results.get(2).getStatus())).isEqualTo("KEYS_DELETED");
    assertThat(results.get(2).getStatus().getMessage()).contains("deleted");
    assertThat(results.get(3).getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
    assertThat(reason(results.get(3).getStatus())).isEqualTo("CATEGORY_BLOCKED");
    assertThat(results.get(4).hasStatus()).isFalse();
    assertThat(results.get(5).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    BadRequest bad = results.get(5).getStatus().getDetails(1).unpack(BadRequest.class);
    assertThat(bad.getFieldViolations(0).getField()).isEqualTo("items[5].user_id");
    assertThat(results.get(6).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(results.get(7).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(results.get(8).hasStatus()).isFalse();
    for (DerivedKeyResult r : results) {
      assertThat(r.getStatus().getMessage()).doesNotContain(good).doesNotContain(deleted).doesNotContain(blocked);
    }
  }

  @Test
  void shred_keysGoneEverywhere_neverRecreated_rowIsAMarkerWithoutRoot() throws Exception {
    String user = newUser();
    assertThat(one(userdb, user, "account").hasStatus()).isFalse(); // now in memory and memcached
    userdb.deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(user).build());
    userdb.deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(user).build()); // idempotent

    for (PadlockServiceGrpc.PadlockServiceBlockingStub stub : List.of(userdb, billing)) {
      DerivedKeyResult result = one(stub, user, "account");
      assertThat(result.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
      assertThat(reason(result.getStatus())).isEqualTo("KEYS_DELETED");
      assertThat(result.getKey().isEmpty()).isTrue();
    }
    assertThatThrownBy(() -> userdb.createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("never re-created");
        });

    Row row = CASSANDRA.session().execute("SELECT shredded, master_version, wrapped_root FROM user_keys "
        + "WHERE user_id = ?", user).one();
    assertThat(row.getBoolean("shredded")).isTrue();
    assertThat(row.getByteBuffer("wrapped_root").remaining()).isZero();

    // A second server (another instance, empty memory) sees the marker in Cassandra: memcached was cleared.
    try (PadlockServer other = startServer("")) {
      ChannelFactory channels = PadlockTestConfig.channelsAs("userdb", other.port(), pki);
      try (channels) {
        DerivedKeyResult result = one(PadlockServiceGrpc.newBlockingStub(channels.channel("padlock")), user,
            "account");
        assertThat(reason(result.getStatus())).isEqualTo("KEYS_DELETED");
      }
    }
  }

  @Test
  void shredOfUnknownUser_stillPreventsCreation() {
    String user = "not-yet-" + UUID.randomUUID();
    userdb.deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(user).build());
    assertThatThrownBy(() -> userdb.createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void optOut_blockRefusesOneCategory_unblockRestoresSameKey() throws Exception {
    String user = newUser();
    ByteString before = one(userdb, user, "listening").getKey();
    userdb.blockCategory(BlockCategoryRequest.newBuilder().setUserId(user).setCategory("listening").build());
    DerivedKeyResult blocked = one(userdb, user, "listening");
    assertThat(blocked.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
    assertThat(reason(blocked.getStatus())).isEqualTo("CATEGORY_BLOCKED");
    assertThat(one(userdb, user, "account").hasStatus()).isFalse();

    userdb.unblockCategory(UnblockCategoryRequest.newBuilder().setUserId(user).setCategory("listening").build());
    assertThat(one(userdb, user, "listening").getKey()).isEqualTo(before);
  }

  @Test
  void block_unknownUserOrCategory_rejected() {
    assertThatThrownBy(() -> userdb.blockCategory(BlockCategoryRequest.newBuilder()
        .setUserId("nobody-" + UUID.randomUUID()).setCategory("ads").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(() -> userdb.blockCategory(BlockCategoryRequest.newBuilder()
        .setUserId(newUser()).setCategory("nope").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).contains("category"));
  }

  @Test
  void badRequests_emptyBatch_tooLarge_missingUserId() {
    assertThatThrownBy(() -> userdb.getDerivedKeys(GetDerivedKeysRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("items");
        });
    GetDerivedKeysRequest.Builder huge = GetDerivedKeysRequest.newBuilder();
    for (int i = 0; i < 10_001; i++) {
      huge.addItems(item("u" + i, "account", 0));
    }
    assertThatThrownBy(() -> userdb.getDerivedKeys(huge.build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThatThrownBy(() -> userdb.createUserKeys(CreateUserKeysRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          com.google.rpc.Status status = StatusProto.fromThrowable(e);
          assertThat(status.getMessage()).contains("user_id");
        });
  }

  @Test
  void permissions_onlyAllowedServicesMayCall() {
    assertThatThrownBy(() -> checkout.createUserKeys(CreateUserKeysRequest.newBuilder().setUserId("x").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> billing.deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId("x").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> userdb.rotateMasterKey(RotateMasterKeyRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void masterKeyRotation_lazyAndResumable_keysUnchanged() {
    List<String> users = new ArrayList<>();
    List<ByteString> keys = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String user = newUser();
      users.add(user);
      keys.add(one(userdb, user, "payment").getKey());
    }
    String both = "squadron.padlock.master-keys { current = 2, keys { 2 = \"" + PadlockTestConfig.MASTER_KEY_2
        + "\" } }";
    try (PadlockServer rotated = startServer(both);
        ChannelFactory admin = PadlockTestConfig.channelsAs("padlock-admin", rotated.port(), pki);
        ChannelFactory db = PadlockTestConfig.channelsAs("userdb", rotated.port(), pki)) {
      PadlockServiceGrpc.PadlockServiceBlockingStub adminStub =
          PadlockServiceGrpc.newBlockingStub(admin.channel("padlock"));
      String token = "";
      int pages = 0;
      do {
        RotateMasterKeyResponse page = adminStub.rotateMasterKey(RotateMasterKeyRequest.newBuilder()
            .setPageSize(3).setPageToken(token).build());
        assertThat(page.getCurrentMasterKeyVersion()).isEqualTo(2);
        token = page.getNextPageToken();
        pages++;
      } while (!token.isEmpty() && pages < 1000);
      assertThat(pages).isGreaterThan(2); // resumed from tokens
      for (String user : users) {
        Row row = CASSANDRA.session().execute("SELECT master_version FROM user_keys WHERE user_id = ?", user).one();
        assertThat(row.getInt("master_version")).isEqualTo(2);
      }
      PadlockServiceGrpc.PadlockServiceBlockingStub stub = PadlockServiceGrpc.newBlockingStub(db.channel("padlock"));
      for (int i = 0; i < users.size(); i++) {
        assertThat(one(stub, users.get(i), "payment").getKey()).isEqualTo(keys.get(i));
      }
    }
    // Only master key 2 left: the rewrapped roots still open, and give the same keys.
    String onlyTwo = "squadron.padlock.master-keys = { current = 2, keys = { 2 = \""
        + PadlockTestConfig.MASTER_KEY_2 + "\" } }";
    try (PadlockServer onlyNew = PadlockMain.start(PadlockTestConfig.server(CASSANDRA.endpoint().toString(),
        CASSANDRA.keyspace(), MEMCACHED.hostAndPort(), MEMCACHED.prefix() + "other:", pki, onlyTwo));
        ChannelFactory db = PadlockTestConfig.channelsAs("userdb", onlyNew.port(), pki)) {
      PadlockServiceGrpc.PadlockServiceBlockingStub stub = PadlockServiceGrpc.newBlockingStub(db.channel("padlock"));
      for (int i = 0; i < users.size(); i++) {
        assertThat(one(stub, users.get(i), "payment").getKey()).isEqualTo(keys.get(i));
      }
    }
  }

  @Test
  void fieldCipher_throughPadlock_movedOrTamperedFails_andShredPlusClientTtlMakesDataUnreadable() {
    AtomicLong clock = new AtomicLong();
    PadlockClient client = PadlockClient.builder(userdbChannels.channel("padlock"))
        .cacheTtl(java.time.Duration.ofSeconds(10)).nanoTime(clock::get).build();
    FieldCipher cipher = FieldCipher.builder(client, "userdb").build();
    Field email = Field.of("users", "email", "account");
    String alice = newUser();
    String bob = newUser();
    byte[] stored = cipher.encryptString(email, alice, "alice@example.com");
    assertThat(cipher.decryptString(email, alice, stored)).isEqualTo("alice@example.com");
    assertThatThrownBy(() -> cipher.decrypt(email, bob, stored)).isInstanceOf(FieldCipherException.class);
    assertThatThrownBy(() -> cipher.decrypt(Field.of("users", "phone", "account"), alice, stored))
        .isInstanceOf(FieldCipherException.class);
    byte[] tampered = stored.clone();
    tampered[tampered.length - 20] ^= 0x04;
    assertThatThrownBy(() -> cipher.decrypt(email, alice, tampered)).isInstanceOf(FieldCipherException.class);

    // Billing's keys for alice open nothing userdb wrote, even with the same field name.
    PadlockClient billingClient = PadlockClient.builder(channels("billing").channel("padlock")).build();
    FieldCipher billingCipher = FieldCipher.builder(billingClient, "userdb").build();
    assertThatThrownBy(() -> billingCipher.decrypt(email, alice, stored)).isInstanceOf(FieldCipherException.class);

    // Another userdb instance shreds alice; this instance's cached key works until its TTL, then never again.
    PadlockClient otherInstance = PadlockClient.builder(userdbChannels.channel("padlock")).build();
    otherInstance.deleteUserKeys(alice);
    assertThat(cipher.decryptString(email, alice, stored)).isEqualTo("alice@example.com");
    clock.addAndGet(java.time.Duration.ofSeconds(11).toNanos());
    assertThatThrownBy(() -> cipher.decrypt(email, alice, stored))
        .isInstanceOfSatisfying(PadlockKeyException.class,
            e -> assertThat(e.reason()).isEqualTo(PadlockKeyException.Reason.KEYS_DELETED));
    assertThatThrownBy(() -> cipher.encryptString(email, alice, "new"))
        .isInstanceOf(PadlockKeyException.class);
    // Bob is untouched.
    assertThat(cipher.decryptString(email, bob, cipher.encryptString(email, bob, "bob@example.com")))
        .isEqualTo("bob@example.com");
  }

  @Test
  void demo_runsAgainstTheServer() throws Exception {
    Path conf = pki.resolve("demo.conf");
    java.nio.file.Files.writeString(conf, "squadron.security { service-name = userdb, cert-dir = \"" + pki
        + "\" }\nsquadron.clients.padlock.addresses = [\"127.0.0.1:" + padlock.port() + "\"]\n");
    io.squadron.padlock.client.demo.PadlockDemo.main(new String[] {"--config", conf.toString()});
  }

  @Test
  void metrics_countLookupsCacheLayersAndShreds() {
    String user = newUser();
    one(userdb, user, "account");
    userdb.deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(newUser()).build());
    String scrape = padlock.server().meterRegistry().scrape();
    assertThat(scrape).contains("padlock_keys_lookups_total{outcome=\"ok\"}")
        .contains("padlock_cache_requests_total{layer=\"cassandra\",result=\"hit\"}")
        .contains("padlock_shreds_total").doesNotContain(user);
  }
}

package io.squadron.padlock.server.api;

import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatCall;
import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatItem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.padlock.client.Field;
import io.squadron.padlock.client.FieldCipher;
import io.squadron.padlock.client.FieldCipherException;
import io.squadron.padlock.client.PadlockClient;
import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.padlock.v1.BlockCategoryRequest;
import io.squadron.proto.padlock.v1.CompactDerivedKeys;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.DeleteUserKeysRequest;
import io.squadron.proto.padlock.v1.DerivedKeyFailure;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.DerivedKeyResult;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.GetDerivedKeysResponse;
import io.squadron.proto.padlock.v1.PadlockErrorReason;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.proto.padlock.v1.RotateMasterKeyRequest;
import io.squadron.proto.padlock.v1.RotateMasterKeyResponse;
import io.squadron.proto.padlock.v1.UnblockCategoryRequest;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.service.ServiceExtension;
import io.squadron.testkit.service.TestCertificates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Padlock server started from its descriptor on a loopback port with mutual TLS, its real
 * Cassandra keyspace and memcached prefix, called through rpc-core's channel factory as different
 * services, with the generated stub and with the client library.
 */
class PadlockServiceEdgeTest {
  /**
   * The clients' deadline here: the default 500 ms is a production budget, which a fresh channel's
   * TLS handshake on a loaded 2-core test machine can exceed; no test here is about deadlines.
   */
  private static final java.time.Duration CLIENT_DEADLINE = java.time.Duration.ofSeconds(10);

  @RegisterExtension
  static final ServiceExtension PADLOCK =
      ServiceExtension.forService("padlock")
          .config(
              "squadron.padlock.categories { account = 2, payment = 1, listening = 1, ads = 1 }");

  private static PadlockServiceGrpc.PadlockServiceBlockingStub as(String caller) {
    return PADLOCK.stub(caller, PadlockServiceGrpc::newBlockingStub);
  }

  private static PadlockServiceGrpc.PadlockServiceBlockingStub userdb() {
    return as("userdb");
  }

  private static String newUser() {
    String user = "user-" + UUID.randomUUID();
    assertThat(
            userdb()
                .createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build())
                .getCreated())
        .isTrue();
    return user;
  }

  private static DerivedKeyItem item(String user, String category, int version) {
    return DerivedKeyItem.newBuilder()
        .setUserId(user)
        .setCategory(category)
        .setKeyVersion(version)
        .build();
  }

  private static DerivedKeyResult one(
      PadlockServiceGrpc.PadlockServiceBlockingStub stub, String user, String category) {
    return stub.getDerivedKeys(
            GetDerivedKeysRequest.newBuilder().addItems(item(user, category, 0)).build())
        .getResults(0);
  }

  @Test
  void createThenDerive_stableKeyOfCurrentVersion_createIsIdempotent() {
    String user = newUser();
    assertThat(
            userdb()
                .createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build())
                .getCreated())
        .isFalse();
    DerivedKeyResult first = one(userdb(), user, "account");
    assertThat(first.hasStatus()).isFalse();
    assertThat(first.getKey().size()).isEqualTo(32);
    assertThat(first.getKeyVersion()).isEqualTo(2);
    assertThat(one(userdb(), user, "account").getKey()).isEqualTo(first.getKey());
  }

  @Test
  void sameUser_differentServiceCategoryOrVersion_differentKeys() {
    String user = newUser();
    ByteString userdbKey = one(userdb(), user, "account").getKey();
    ByteString billingKey = one(as("billing"), user, "account").getKey();
    ByteString payment = one(userdb(), user, "payment").getKey();
    ByteString v1 =
        userdb()
            .getDerivedKeys(
                GetDerivedKeysRequest.newBuilder().addItems(item(user, "account", 1)).build())
            .getResults(0)
            .getKey();
    ByteString otherUser = one(userdb(), newUser(), "account").getKey();
    assertThat(List.of(userdbKey, billingKey, payment, v1, otherUser)).doesNotHaveDuplicates();
  }

  @Test
  void batch_eachItemHasItsOwnOutcome() throws Exception {
    String good = newUser();
    String deleted = newUser();
    userdb().deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(deleted).build());
    String blocked = newUser();
    userdb()
        .blockCategory(
            BlockCategoryRequest.newBuilder().setUserId(blocked).setCategory("ads").build());

    List<DerivedKeyResult> results =
        userdb()
            .getDerivedKeys(
                GetDerivedKeysRequest.newBuilder()
                    .addItems(item(good, "account", 0))
                    .addItems(item("never-created-" + UUID.randomUUID(), "account", 0))
                    .addItems(item(deleted, "account", 0))
                    .addItems(item(blocked, "ads", 0))
                    .addItems(item(blocked, "account", 0))
                    .addItems(item("", "account", 0))
                    .addItems(item(good, "no-such-category", 0))
                    .addItems(item(good, "payment", 7))
                    .addItems(item(good, "payment", 0))
                    .build())
            .getResultsList();

    assertThat(results).hasSize(9);
    assertThat(results.get(0).hasStatus()).isFalse();
    assertThatItem(results.get(1).getStatus())
        .hasCode(Status.Code.NOT_FOUND)
        .hasReason(PadlockErrorReason.USER_KEYS_NOT_FOUND);
    assertThatItem(results.get(2).getStatus())
        .hasCode(Status.Code.NOT_FOUND)
        .hasReason(PadlockErrorReason.KEYS_DELETED)
        .hasMessageContaining("deleted");
    assertThatItem(results.get(3).getStatus())
        .hasCode(Status.Code.FAILED_PRECONDITION)
        .hasReason(PadlockErrorReason.CATEGORY_BLOCKED);
    assertThat(results.get(4).hasStatus()).isFalse();
    assertThatItem(results.get(5).getStatus())
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasReason(ErrorReason.INVALID_FIELD)
        .hasBadField("items[5].user_id");
    assertThatItem(results.get(6).getStatus())
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("category");
    assertThatItem(results.get(7).getStatus())
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("key_version");
    assertThat(results.get(8).hasStatus()).isFalse();
    for (DerivedKeyResult r : results) {
      assertThat(r.getStatus().getMessage())
          .doesNotContain(good)
          .doesNotContain(deleted)
          .doesNotContain(blocked);
    }
  }

  @Test
  void compactResponse_sameOutcomesAsPerItemResults_inOneBytesField() {
    String good = newUser();
    String blocked = newUser();
    userdb()
        .blockCategory(
            BlockCategoryRequest.newBuilder().setUserId(blocked).setCategory("ads").build());
    GetDerivedKeysRequest request =
        GetDerivedKeysRequest.newBuilder()
            .addItems(item(good, "account", 0))
            .addItems(item("never-created-" + UUID.randomUUID(), "account", 0))
            .addItems(item(blocked, "ads", 0))
            .addItems(item(good, "payment", 1))
            .addItems(item("", "account", 0))
            .addItems(item(blocked, "account", 0))
            .build();
    List<DerivedKeyResult> perItem = userdb().getDerivedKeys(request).getResultsList();
    GetDerivedKeysResponse response =
        userdb().getDerivedKeys(request.toBuilder().setCompactResponse(true).build());

    assertThat(response.getResultsList()).isEmpty();
    CompactDerivedKeys compact = response.getCompact();
    assertThat(compact.getKeys().size()).isEqualTo(32 * 6);
    assertThat(compact.getKeyVersionsList()).hasSize(6);
    assertThat(compact.getFailuresList())
        .extracting(DerivedKeyFailure::getIndex)
        .containsExactly(1, 2, 4);
    int failure = 0;
    for (int i = 0; i < 6; i++) {
      ByteString key = compact.getKeys().substring(32 * i, 32 * i + 32);
      if (perItem.get(i).hasStatus()) {
        assertThat(compact.getFailures(failure++).getStatus())
            .isEqualTo(perItem.get(i).getStatus());
        assertThat(key).isEqualTo(ByteString.copyFrom(new byte[32]));
        assertThat(compact.getKeyVersions(i)).isZero();
      } else {
        assertThat(key).isEqualTo(perItem.get(i).getKey());
        assertThat(compact.getKeyVersions(i)).isEqualTo(perItem.get(i).getKeyVersion());
      }
    }
  }

  @Test
  void shred_keysGoneEverywhere_neverRecreated_rowIsAMarkerWithoutRoot() throws Exception {
    String user = newUser();
    assertThat(one(userdb(), user, "account").hasStatus()).isFalse(); // now in memory and memcached
    userdb().deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(user).build());
    userdb()
        .deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(user).build()); // idempotent

    for (PadlockServiceGrpc.PadlockServiceBlockingStub stub : List.of(userdb(), as("billing"))) {
      DerivedKeyResult result = one(stub, user, "account");
      assertThatItem(result.getStatus())
          .hasCode(Status.Code.NOT_FOUND)
          .hasReason(PadlockErrorReason.KEYS_DELETED);
      assertThat(result.getKey().isEmpty()).isTrue();
    }
    assertThatCall(
            () ->
                userdb().createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build()))
        .hasCode(Status.Code.NOT_FOUND)
        .hasReason(PadlockErrorReason.KEYS_DELETED)
        .hasMessageContaining("never re-created");

    Row row =
        PADLOCK
            .cassandra()
            .session()
            .execute(
                "SELECT shredded, master_version, wrapped_root FROM user_keys "
                    + "WHERE user_id = ?",
                user)
            .one();
    assertThat(row.getBoolean("shredded")).isTrue();
    assertThat(row.getByteBuffer("wrapped_root").remaining()).isZero();

    // A second server (another instance, empty memory) sees the marker in Cassandra: memcached was
    // cleared.
    try (SquadronServer other = PADLOCK.startInstance("")) {
      DerivedKeyResult result =
          one(PADLOCK.stub("userdb", other, PadlockServiceGrpc::newBlockingStub), user, "account");
      assertThatItem(result.getStatus()).hasReason(PadlockErrorReason.KEYS_DELETED);
    }
  }

  @Test
  void shredOfUnknownUser_stillPreventsCreation() {
    String user = "not-yet-" + UUID.randomUUID();
    userdb().deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(user).build());
    assertThatThrownBy(
            () ->
                userdb().createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void optOut_blockRefusesOneCategory_unblockRestoresSameKey() throws Exception {
    String user = newUser();
    ByteString before = one(userdb(), user, "listening").getKey();
    userdb()
        .blockCategory(
            BlockCategoryRequest.newBuilder().setUserId(user).setCategory("listening").build());
    DerivedKeyResult blocked = one(userdb(), user, "listening");
    assertThatItem(blocked.getStatus())
        .hasCode(Status.Code.FAILED_PRECONDITION)
        .hasReason(PadlockErrorReason.CATEGORY_BLOCKED);
    assertThat(one(userdb(), user, "account").hasStatus()).isFalse();

    userdb()
        .unblockCategory(
            UnblockCategoryRequest.newBuilder().setUserId(user).setCategory("listening").build());
    assertThat(one(userdb(), user, "listening").getKey()).isEqualTo(before);
  }

  @Test
  void block_unknownUserOrCategory_rejected() {
    assertThatThrownBy(
            () ->
                userdb()
                    .blockCategory(
                        BlockCategoryRequest.newBuilder()
                            .setUserId("nobody-" + UUID.randomUUID())
                            .setCategory("ads")
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(
            () ->
                userdb()
                    .blockCategory(
                        BlockCategoryRequest.newBuilder()
                            .setUserId(newUser())
                            .setCategory("nope")
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).contains("category"));
  }

  @Test
  void badRequests_emptyBatch_tooLarge_missingUserId() {
    assertThatThrownBy(() -> userdb().getDerivedKeys(GetDerivedKeysRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("items");
            });
    GetDerivedKeysRequest.Builder huge = GetDerivedKeysRequest.newBuilder();
    for (int i = 0; i < 10_001; i++) {
      huge.addItems(item("u" + i, "account", 0));
    }
    assertThatThrownBy(() -> userdb().getDerivedKeys(huge.build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThatThrownBy(() -> userdb().createUserKeys(CreateUserKeysRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              com.google.rpc.Status status = StatusProto.fromThrowable(e);
              assertThat(status.getMessage()).contains("user_id");
            });
  }

  @Test
  void permissions_onlyAllowedServicesMayCall() {
    assertThatThrownBy(
            () ->
                as("checkout")
                    .createUserKeys(CreateUserKeysRequest.newBuilder().setUserId("x").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(
            () ->
                as("billing")
                    .deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId("x").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> userdb().rotateMasterKey(RotateMasterKeyRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void masterKeyRotation_lazyAndResumable_keysUnchanged() {
    List<String> users = new ArrayList<>();
    List<ByteString> keys = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String user = newUser();
      users.add(user);
      keys.add(one(userdb(), user, "payment").getKey());
    }
    String masterKey2 =
        java.util.Base64.getEncoder()
            .encodeToString(
                new byte[] {
                  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
                  2, 2, 2, 2, 2
                });
    String both =
        "squadron.padlock.master-keys { current = 2, keys { 2 = \"" + masterKey2 + "\" } }";
    try (SquadronServer rotated = PADLOCK.startInstance(both)) {
      PadlockServiceGrpc.PadlockServiceBlockingStub adminStub =
          PADLOCK.stub("padlock-admin", rotated, PadlockServiceGrpc::newBlockingStub);
      String token = "";
      int pages = 0;
      do {
        RotateMasterKeyResponse page =
            adminStub.rotateMasterKey(
                RotateMasterKeyRequest.newBuilder().setPageSize(3).setPageToken(token).build());
        assertThat(page.getCurrentMasterKeyVersion()).isEqualTo(2);
        token = page.getNextPageToken();
        pages++;
      } while (!token.isEmpty() && pages < 1000);
      assertThat(pages).isGreaterThan(2); // resumed from tokens
      for (String user : users) {
        Row row =
            PADLOCK
                .cassandra()
                .session()
                .execute("SELECT master_version FROM user_keys WHERE user_id = ?", user)
                .one();
        assertThat(row.getInt("master_version")).isEqualTo(2);
      }
      PadlockServiceGrpc.PadlockServiceBlockingStub stub =
          PADLOCK.stub("userdb", rotated, PadlockServiceGrpc::newBlockingStub);
      for (int i = 0; i < users.size(); i++) {
        assertThat(one(stub, users.get(i), "payment").getKey()).isEqualTo(keys.get(i));
      }
    }
    // Only master key 2 left (and a memcached prefix of its own, so no root wrapped under key 1 is
    // cached): the
    // rewrapped roots still open, and give the same keys.
    Config onlyTwo =
        ConfigFactory.parseString(
                "squadron.padlock.master-keys { current = 2, keys { 2 = \""
                    + masterKey2
                    + "\" } }\nsquadron.stores.memcached.key-prefix = \""
                    + PADLOCK.memcached().prefix()
                    + "other:\"")
            .withFallback(PADLOCK.config().withoutPath("squadron.padlock.master-keys"));
    try (SquadronServer onlyNew = PADLOCK.startInstance(onlyTwo)) {
      PadlockServiceGrpc.PadlockServiceBlockingStub stub =
          PADLOCK.stub("userdb", onlyNew, PadlockServiceGrpc::newBlockingStub);
      for (int i = 0; i < users.size(); i++) {
        assertThat(one(stub, users.get(i), "payment").getKey()).isEqualTo(keys.get(i));
      }
    }
  }

  @Test
  void fieldCipher_throughPadlock_movedOrTamperedFails_andShredPlusClientTtlMakesDataUnreadable() {
    AtomicLong clock = new AtomicLong();
    PadlockClient client =
        PadlockClient.builder(PADLOCK.channel("userdb"))
            .deadline(CLIENT_DEADLINE)
            .cacheTtl(java.time.Duration.ofSeconds(10))
            .nanoTime(clock::get)
            .build();
    FieldCipher cipher = FieldCipher.builder(client, "userdb").build();
    Field email = Field.of("users", "email", "account");
    String alice = newUser();
    String bob = newUser();
    byte[] stored = cipher.encryptString(email, alice, "alice@example.com");
    assertThat(cipher.decryptString(email, alice, stored)).isEqualTo("alice@example.com");
    assertThatThrownBy(() -> cipher.decrypt(email, bob, stored))
        .isInstanceOf(FieldCipherException.class);
    assertThatThrownBy(() -> cipher.decrypt(Field.of("users", "phone", "account"), alice, stored))
        .isInstanceOf(FieldCipherException.class);
    byte[] tampered = stored.clone();
    tampered[tampered.length - 20] ^= 0x04;
    assertThatThrownBy(() -> cipher.decrypt(email, alice, tampered))
        .isInstanceOf(FieldCipherException.class);

    // Billing's keys for alice open nothing userdb wrote, even with the same field name.
    PadlockClient billingClient =
        PadlockClient.builder(PADLOCK.channel("billing")).deadline(CLIENT_DEADLINE).build();
    FieldCipher billingCipher = FieldCipher.builder(billingClient, "userdb").build();
    assertThatThrownBy(() -> billingCipher.decrypt(email, alice, stored))
        .isInstanceOf(FieldCipherException.class);

    // Another userdb instance shreds alice; this instance's cached key works until its TTL, then
    // never again.
    PadlockClient otherInstance =
        PadlockClient.builder(PADLOCK.channel("userdb")).deadline(CLIENT_DEADLINE).build();
    otherInstance.deleteUserKeys(alice);
    assertThat(cipher.decryptString(email, alice, stored)).isEqualTo("alice@example.com");
    clock.addAndGet(java.time.Duration.ofSeconds(11).toNanos());
    assertThatThrownBy(() -> cipher.decrypt(email, alice, stored))
        .isInstanceOfSatisfying(
            PadlockKeyException.class,
            e -> assertThat(e.reason()).isEqualTo(PadlockKeyException.Reason.KEYS_DELETED));
    assertThatThrownBy(() -> cipher.encryptString(email, alice, "new"))
        .isInstanceOf(PadlockKeyException.class);
    // Bob is untouched.
    assertThat(
            cipher.decryptString(email, bob, cipher.encryptString(email, bob, "bob@example.com")))
        .isEqualTo("bob@example.com");
  }

  @Test
  void demo_runsAgainstTheServer(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("demo.conf");
    java.nio.file.Files.writeString(
        conf,
        "squadron.security { service-name = userdb, cert-dir = \""
            + TestCertificates.shared().dirFor("userdb")
            + "\" }\nsquadron.clients.padlock.addresses = [\"127.0.0.1:"
            + PADLOCK.port()
            + "\"]\n");
    PadlockDemo.main(new String[] {"--config", conf.toString()});
  }

  @Test
  void metrics_countLookupsCacheLayersAndShreds() {
    String user = newUser();
    one(userdb(), user, "account");
    userdb().deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(newUser()).build());
    String scrape = PADLOCK.server().meterRegistry().scrape();
    assertThat(scrape)
        .contains("padlock_keys_lookups_total{outcome=\"ok\"}")
        .contains("padlock_cache_requests_total{layer=\"cassandra\",result=\"hit\"}")
        .contains("padlock_shreds_total")
        .doesNotContain(user);
  }
}

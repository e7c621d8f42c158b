package io.squadron.userdb.api;

import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ProtocolMessageEnum;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.padlock.client.Field;
import io.squadron.padlock.client.FieldCipher;
import io.squadron.padlock.client.PadlockClient;
import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.userdb.v1.CreateUserRequest;
import io.squadron.proto.userdb.v1.DeleteUserRequest;
import io.squadron.proto.userdb.v1.GetUserByUsernameRequest;
import io.squadron.proto.userdb.v1.GetUserRequest;
import io.squadron.proto.userdb.v1.UpdateUserRequest;
import io.squadron.proto.userdb.v1.User;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import io.squadron.proto.userdb.v1.UserdbErrorReason;
import io.squadron.testkit.grpc.RpcErrorAssert;
import io.squadron.testkit.service.ServiceExtension;
import io.squadron.testkit.service.TestCertificates;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two real userdb servers (one on PostgreSQL, one on Cassandra), each started from its descriptor
 * with a store of its own, with the real Padlock server on its real Cassandra and memcached, all
 * over mutual TLS, called through the generated stub as the checkout service.
 */
class UserdbServiceEdgeTest {
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  @RegisterExtension
  static final ServiceExtension ON_POSTGRES =
      ServiceExtension.forService("userdb")
          .calls(PADLOCK)
          .config("squadron.userdb.store = postgres\nsquadron.padlock-client.deadline = 5s");

  @RegisterExtension
  static final ServiceExtension ON_CASSANDRA =
      ServiceExtension.forService("userdb")
          .calls(PADLOCK)
          .config("squadron.userdb.store = cassandra\nsquadron.padlock-client.deadline = 5s");

  private static UserServiceGrpc.UserServiceBlockingStub pg;
  private static UserServiceGrpc.UserServiceBlockingStub cs;

  @BeforeAll
  static void stubs() {
    pg = ON_POSTGRES.stub("checkout", UserServiceGrpc::newBlockingStub);
    cs = ON_CASSANDRA.stub("checkout", UserServiceGrpc::newBlockingStub);
  }

  private static User create(
      UserServiceGrpc.UserServiceBlockingStub stub, String username, String email) {
    return stub.createUser(
            CreateUserRequest.newBuilder()
                .setUsername(username)
                .setEmail(email)
                .setCountry("SE")
                .setBirthDate(
                    com.google.type.Date.newBuilder().setYear(1990).setMonth(4).setDay(17))
                .build())
        .getUser();
  }

  @Test
  void create_thenGetByIdAndByAnyFormOfTheName_onBothStores() {
    for (UserServiceGrpc.UserServiceBlockingStub stub :
        new UserServiceGrpc.UserServiceBlockingStub[] {pg, cs}) {
      String suffix = Integer.toHexString(stub == pg ? 0xa : 0xb);
      User created = create(stub, "BigBird" + suffix, "bird@example.com");
      assertThat(created.getCanonicalUsername()).isEqualTo("bigbird" + suffix);
      assertThat(created.getUsername()).isEqualTo("BigBird" + suffix);
      assertThat(created.getVersion()).isEqualTo(1);
      assertThat(stub.getUser(GetUserRequest.newBuilder().setId(created.getId()).build()).getUser())
          .isEqualTo(created);
      for (String form :
          new String[] {
            "BIGBIRD" + suffix,
            "bigbird" + suffix,
            "\uFF22\uFF49\uFF47\uFF42\uFF49\uFF52\uFF44" + suffix
          }) {
        assertThat(
                stub.getUserByUsername(
                        GetUserByUsernameRequest.newBuilder().setUsername(form).build())
                    .getUser())
            .isEqualTo(created);
      }
    }
  }

  @Test
  void spotifyCase_superscriptNameNeverReachesBigbird() {
    create(pg, "bigbird", "real@example.com");
    String superscript = "\u1D2E\u1D35\u1D33\u1D2E\u1D35\u1D3F\u1D30";
    assertStatus(
        () ->
            pg.getUserByUsername(
                GetUserByUsernameRequest.newBuilder().setUsername(superscript).build()),
        Status.Code.INVALID_ARGUMENT,
        UserdbErrorReason.DISALLOWED_CHARACTERS);
    assertStatus(
        () -> create(pg, superscript, "attacker@example.com"),
        Status.Code.INVALID_ARGUMENT,
        UserdbErrorReason.DISALLOWED_CHARACTERS);
  }

  @Test
  void takenAndConfusableNames_alreadyExists_withoutTheNameInTheMessage() {
    create(pg, "paypal", "p@example.com");
    StatusRuntimeException taken =
        assertStatus(
            () -> create(pg, "PayPal", "q@example.com"),
            Status.Code.ALREADY_EXISTS,
            UserdbErrorReason.USERNAME_TAKEN);
    assertThat(taken.getStatus().getDescription()).doesNotContainIgnoringCase("paypal");
    String cyrillic = "\u0440\u0430\u0443\u0440\u0430\u04CF"; // раураӏ
    assertStatus(
        () -> create(pg, cyrillic, "r@example.com"),
        Status.Code.ALREADY_EXISTS,
        UserdbErrorReason.CONFUSABLE);
    create(cs, "paypal", "p@example.com");
    assertStatus(
        () -> create(cs, cyrillic, "r@example.com"),
        Status.Code.ALREADY_EXISTS,
        UserdbErrorReason.CONFUSABLE);
    assertStatus(
        () -> create(cs, "PAYPAL", "r@example.com"),
        Status.Code.ALREADY_EXISTS,
        UserdbErrorReason.USERNAME_TAKEN);
  }

  @Test
  void mixedScript_invalidArgument() {
    assertStatus(
        () -> create(pg, "p\u0430ypal2", "m@example.com"),
        Status.Code.INVALID_ARGUMENT,
        UserdbErrorReason.MIXED_SCRIPT);
  }

  @Test
  void badFields_invalidArgumentNamingEachField() {
    StatusRuntimeException e =
        assertStatus(
            () ->
                pg.createUser(
                    CreateUserRequest.newBuilder()
                        .setUsername("")
                        .setEmail("not-an-email")
                        .setCountry("se")
                        .setBirthDate(
                            com.google.type.Date.newBuilder().setYear(2001).setMonth(2).setDay(30))
                        .build()),
            Status.Code.INVALID_ARGUMENT,
            ErrorReason.INVALID_FIELD);
    assertThat(RpcErrorAssert.badFields(io.grpc.protobuf.StatusProto.fromThrowable(e)))
        .containsExactly("username", "email", "country", "birth_date");
    assertThat(e.getStatus().getDescription()).doesNotContain("not-an-email");
    assertStatus(
        () -> pg.getUser(GetUserRequest.newBuilder().setId("nope").build()),
        Status.Code.INVALID_ARGUMENT,
        ErrorReason.INVALID_FIELD);
    assertStatus(
        () -> create(pg, "x".repeat(65), "a@example.com"),
        Status.Code.INVALID_ARGUMENT,
        ErrorReason.INVALID_FIELD);
  }

  @Test
  void update_changesEmailAndCountry_unknownIdNotFound() {
    User u = create(pg, "updater", "old@example.com");
    User updated =
        pg.updateUser(
                UpdateUserRequest.newBuilder()
                    .setId(u.getId())
                    .setEmail("new@example.com")
                    .setCountry("NO")
                    .build())
            .getUser();
    assertThat(updated.getEmail()).isEqualTo("new@example.com");
    assertThat(updated.getCountry()).isEqualTo("NO");
    assertThat(updated.getVersion()).isEqualTo(2);
    assertThat(pg.getUser(GetUserRequest.newBuilder().setId(u.getId()).build()).getUser())
        .isEqualTo(updated);
    assertStatus(
        () ->
            pg.updateUser(
                UpdateUserRequest.newBuilder()
                    .setId(UUID.randomUUID().toString())
                    .setCountry("NO")
                    .build()),
        Status.Code.NOT_FOUND,
        UserdbErrorReason.USER_NOT_FOUND);
  }

  @Test
  void personalFields_unreadableInTheRawTables() throws Exception {
    User u = create(pg, "rawcheck", "secret.person@example.com");
    try (Connection c = ON_POSTGRES.postgres().dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT * FROM users WHERE id = ?")) {
      s.setObject(1, UUID.fromString(u.getId()));
      try (ResultSet r = s.executeQuery()) {
        assertThat(r.next()).isTrue();
        String row = rowText(r);
        assertThat(row).doesNotContain("secret.person").doesNotContain("1990");
      }
    }
    User c = create(cs, "rawcheck", "secret.person@example.com");
    var row =
        ON_CASSANDRA
            .cassandra()
            .session()
            .execute(
                "SELECT email_cipher, birth_date_cipher FROM users WHERE id = ?",
                UUID.fromString(c.getId()))
            .one();
    assertThat(text(row.getByteBuffer(0))).doesNotContain("secret.person");
    assertThat(text(row.getByteBuffer(1))).doesNotContain("1990");
  }

  @Test
  void delete_removesTheUserAndShredsTheKeys() throws Exception {
    User u = create(pg, "shredme", "gone@example.com");
    byte[] cipher;
    try (Connection c = ON_POSTGRES.postgres().dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT email_cipher FROM users WHERE id = ?")) {
      s.setObject(1, UUID.fromString(u.getId()));
      try (ResultSet r = s.executeQuery()) {
        r.next();
        cipher = r.getBytes(1);
      }
    }
    // 10 s, not the production 500 ms: a fresh channel on a loaded test machine is slow to connect.
    PadlockClient padlock =
        PadlockClient.builder(PADLOCK.channel("userdb"))
            .deadline(java.time.Duration.ofSeconds(10))
            .build();
    FieldCipher fieldCipher = FieldCipher.builder(padlock, "userdb").build();
    Field email = Field.of("users", "email", "account");
    assertThat(fieldCipher.decryptString(email, u.getId(), cipher)).isEqualTo("gone@example.com");

    assertThat(pg.deleteUser(DeleteUserRequest.newBuilder().setId(u.getId()).build()).getDeleted())
        .isTrue();
    assertStatus(
        () -> pg.getUser(GetUserRequest.newBuilder().setId(u.getId()).build()),
        Status.Code.NOT_FOUND,
        UserdbErrorReason.USER_NOT_FOUND);
    assertStatus(
        () ->
            pg.getUserByUsername(
                GetUserByUsernameRequest.newBuilder().setUsername("shredme").build()),
        Status.Code.NOT_FOUND,
        UserdbErrorReason.USER_NOT_FOUND);
    padlock.invalidateAll();
    assertThatThrownBy(() -> fieldCipher.decryptString(email, u.getId(), cipher))
        .isInstanceOf(PadlockKeyException.class);
    assertThat(pg.deleteUser(DeleteUserRequest.newBuilder().setId(u.getId()).build()).getDeleted())
        .isFalse();
    // The name is free again.
    create(pg, "ShredMe", "new@example.com");
  }

  @Test
  void demo_createsAndReadsADemoUser() {
    assertThat(
            UserdbDemo.run(
                io.squadron.rpc.config.ConfigLoader.withOverrides(
                    com.typesafe.config.ConfigFactory.parseString(
                        "squadron.security { service-name = deploy, cert-dir = \""
                            + TestCertificates.shared().dirFor("deploy")
                            + "\" }\n"
                            + "squadron.clients.userdb.addresses = [\"127.0.0.1:"
                            + ON_POSTGRES.port()
                            + "\"]"))))
        .isTrue();
  }

  private static String rowText(ResultSet r) throws Exception {
    StringBuilder s = new StringBuilder();
    for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
      Object v = r.getObject(i);
      s.append(
              v instanceof byte[] b
                  ? new String(b, StandardCharsets.ISO_8859_1)
                  : String.valueOf(v))
          .append('|');
    }
    return s.toString();
  }

  private static String text(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  private static StatusRuntimeException assertStatus(
      Runnable call, Status.Code code, ProtocolMessageEnum reason) {
    return assertThatCall(call).hasCode(code).hasReason(reason).error();
  }
}

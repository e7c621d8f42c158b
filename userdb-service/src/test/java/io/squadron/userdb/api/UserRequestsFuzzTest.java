package io.squadron.userdb.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.proto.userdb.v1.CreateUserRequest;
import io.squadron.proto.userdb.v1.DeleteUserRequest;
import io.squadron.proto.userdb.v1.GetUserByUsernameRequest;
import io.squadron.proto.userdb.v1.GetUserRequest;
import io.squadron.proto.userdb.v1.UpdateUserRequest;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import io.squadron.testkit.service.ServiceExtension;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * userdb's request validation at its edge, over any request an allowed caller can send: the real
 * server on PostgreSQL with the real Padlock, called as a named service. Every answer is OK or a
 * status the caller can act on (INVALID_ARGUMENT naming a field, NOT_FOUND, ALREADY_EXISTS, ...);
 * never INTERNAL or UNKNOWN, which would mean an input reached a code path nobody validated.
 */
class UserRequestsFuzzTest {
  @RegisterExtension
  static final ServiceExtension PADLOCK =
      ServiceExtension.forService("padlock")
          .config("squadron.rate-limits.default { rate = 1000000, burst = 1000000 }");

  @RegisterExtension
  static final ServiceExtension USERDB =
      ServiceExtension.forService("userdb")
          .calls(PADLOCK)
          .config(
              "squadron.userdb.store = postgres\nsquadron.padlock-client.deadline = 5s\n"
                  + "squadron.rate-limits.default { rate = 1000000, burst = 1000000 }");

  private static final Set<Status.Code> NEVER =
      Set.of(
          Status.Code.INTERNAL,
          Status.Code.UNKNOWN,
          Status.Code.DATA_LOSS,
          Status.Code.UNIMPLEMENTED,
          Status.Code.PERMISSION_DENIED,
          Status.Code.UNAUTHENTICATED);
  private static final List<String> COUNTRIES = List.of("SE", "US", "se", "XX", "", "SWE");
  private static final List<String> IDS =
      List.of(
          UUID.nameUUIDFromBytes(new byte[] {1}).toString(),
          "",
          "not-a-uuid",
          "00000000-0000-0000-0000-000000000000");

  private static String id(FuzzedDataProvider data) {
    return data.consumeBoolean() ? data.pickValue(IDS) : data.consumeString(40);
  }

  @FuzzTest(maxDuration = "10s")
  void anyRequest_okOrAStatusTheCallerCanActOn(FuzzedDataProvider data) {
    UserServiceGrpc.UserServiceBlockingStub users =
        USERDB.stub("checkout", UserServiceGrpc::newBlockingStub);
    try {
      switch (data.consumeInt(0, 4)) {
        case 0 -> {
          CreateUserRequest.Builder create =
              CreateUserRequest.newBuilder()
                  .setUsername(data.consumeString(70))
                  .setEmail(data.consumeString(80))
                  .setCountry(
                      data.consumeBoolean() ? data.pickValue(COUNTRIES) : data.consumeString(4));
          if (data.consumeBoolean()) {
            create.setRequestId(id(data));
          }
          if (data.consumeBoolean()) {
            create.setBirthDate(
                com.google.type.Date.newBuilder()
                    .setYear(data.consumeInt(-1, 10_000))
                    .setMonth(data.consumeInt(-1, 13))
                    .setDay(data.consumeInt(-1, 32)));
          }
          users.createUser(create.build());
        }
        case 1 -> users.getUser(GetUserRequest.newBuilder().setId(id(data)).build());
        case 2 ->
            users.getUserByUsername(
                GetUserByUsernameRequest.newBuilder()
                    .setUsername(data.consumeString(1100))
                    .build());
        case 3 -> {
          UpdateUserRequest.Builder update = UpdateUserRequest.newBuilder().setId(id(data));
          if (data.consumeBoolean()) {
            update.setEmail(data.consumeString(80));
          }
          if (data.consumeBoolean()) {
            update.setCountry(data.pickValue(COUNTRIES));
          }
          if (data.consumeBoolean()) {
            update.setExpectedVersion(data.consumeLong());
          }
          users.updateUser(update.build());
        }
        default -> users.deleteUser(DeleteUserRequest.newBuilder().setId(id(data)).build());
      }
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isNotIn(NEVER);
      if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        assertThat(StatusProto.fromThrowable(e).getDetailsList())
            .anySatisfy(
                any -> {
                  assertThat(any.is(BadRequest.class)).isTrue();
                  assertThat(any.unpack(BadRequest.class).getFieldViolations(0).getField())
                      .isNotBlank();
                });
      }
    }
  }
}

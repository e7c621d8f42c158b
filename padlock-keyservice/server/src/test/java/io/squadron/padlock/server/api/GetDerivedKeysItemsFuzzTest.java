package io.squadron.padlock.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.DerivedKeyResult;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.GetDerivedKeysResponse;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.testkit.service.ServiceExtension;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GetDerivedKeys at Padlock's edge (the real server on its real Cassandra and memcached) over any
 * batch an allowed service can send: the call fails as a whole only for an empty or oversize batch;
 * otherwise result {@code i} answers item {@code i} with a key, or with a status naming that item's
 * field, or one the caller can act on; never INTERNAL or UNKNOWN.
 */
class GetDerivedKeysItemsFuzzTest {
  private static final int MAX_ITEMS = 32;

  @RegisterExtension
  static final ServiceExtension PADLOCK =
      ServiceExtension.forService("padlock")
          .config(
              "squadron.padlock.categories { account = 2, payment = 1 }\n"
                  + "squadron.padlock.max-batch-items = "
                  + MAX_ITEMS
                  + "\n"
                  + "squadron.rate-limits.default { rate = 1000000, burst = 1000000 }");

  private static final Set<Status.Code> NEVER =
      Set.of(
          Status.Code.INTERNAL,
          Status.Code.UNKNOWN,
          Status.Code.DATA_LOSS,
          Status.Code.UNIMPLEMENTED);
  private static final List<String> USERS = List.of("alice", "", "nobody", "x".repeat(257));
  private static final List<String> CATEGORIES =
      List.of("account", "payment", "", "ads", "ACCOUNT");
  private static volatile boolean aliceExists;

  private static PadlockServiceGrpc.PadlockServiceBlockingStub userdb() {
    PadlockServiceGrpc.PadlockServiceBlockingStub stub =
        PADLOCK.stub("userdb", PadlockServiceGrpc::newBlockingStub);
    if (!aliceExists) {
      stub.createUserKeys(CreateUserKeysRequest.newBuilder().setUserId("alice").build());
      aliceExists = true;
    }
    return stub;
  }

  @FuzzTest(maxDuration = "10s")
  void anyBatch_eachItemAnsweredOnItsOwn(FuzzedDataProvider data) {
    GetDerivedKeysRequest.Builder request = GetDerivedKeysRequest.newBuilder();
    int items = data.consumeInt(0, MAX_ITEMS + 2);
    for (int i = 0; i < items; i++) {
      request.addItems(
          DerivedKeyItem.newBuilder()
              .setUserId(data.consumeBoolean() ? data.pickValue(USERS) : data.consumeString(300))
              .setCategory(
                  data.consumeBoolean() ? data.pickValue(CATEGORIES) : data.consumeString(70))
              .setKeyVersion(data.consumeBoolean() ? data.consumeInt(-1, 3) : data.consumeInt()));
    }
    GetDerivedKeysResponse response;
    try {
      response = userdb().getDerivedKeys(request.build());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (items == 0) {
        assertThat(code).isEqualTo(Status.Code.INVALID_ARGUMENT);
      } else {
        assertThat(items).isGreaterThan(MAX_ITEMS);
        assertThat(code).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      }
      return;
    }
    assertThat(items).isBetween(1, MAX_ITEMS);
    assertThat(response.getResultsCount()).isEqualTo(items);
    for (int i = 0; i < items; i++) {
      DerivedKeyResult result = response.getResults(i);
      if (result.getStatus().getCode() == Status.Code.OK.value()) {
        assertThat(result.getKey().size()).as("key of item %d", i).isEqualTo(32);
        assertThat(result.getKeyVersion()).isPositive();
        continue;
      }
      Status.Code code = Status.fromCodeValue(result.getStatus().getCode()).getCode();
      assertThat(code).as("item %d: %s", i, result.getStatus().getMessage()).isNotIn(NEVER);
      if (code == Status.Code.INVALID_ARGUMENT) {
        int index = i;
        assertThat(result.getStatus().getDetailsList())
            .anySatisfy(
                any -> {
                  assertThat(any.is(BadRequest.class)).isTrue();
                  assertThat(any.unpack(BadRequest.class).getFieldViolations(0).getField())
                      .startsWith("items[" + index + "]");
                });
      }
    }
  }
}

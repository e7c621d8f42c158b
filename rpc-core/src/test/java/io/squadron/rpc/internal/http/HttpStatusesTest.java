package io.squadron.rpc.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpStatusesTest {
  /** grpc-gateway's runtime.HTTPStatusFromCode, code by code. */
  private static final Map<Status.Code, Integer> GRPC_GATEWAY =
      Map.ofEntries(
          Map.entry(Status.Code.OK, 200),
          Map.entry(Status.Code.CANCELLED, 499),
          Map.entry(Status.Code.UNKNOWN, 500),
          Map.entry(Status.Code.INVALID_ARGUMENT, 400),
          Map.entry(Status.Code.DEADLINE_EXCEEDED, 504),
          Map.entry(Status.Code.NOT_FOUND, 404),
          Map.entry(Status.Code.ALREADY_EXISTS, 409),
          Map.entry(Status.Code.PERMISSION_DENIED, 403),
          Map.entry(Status.Code.UNAUTHENTICATED, 401),
          Map.entry(Status.Code.RESOURCE_EXHAUSTED, 429),
          Map.entry(Status.Code.FAILED_PRECONDITION, 400),
          Map.entry(Status.Code.ABORTED, 409),
          Map.entry(Status.Code.OUT_OF_RANGE, 400),
          Map.entry(Status.Code.UNIMPLEMENTED, 501),
          Map.entry(Status.Code.INTERNAL, 500),
          Map.entry(Status.Code.UNAVAILABLE, 503),
          Map.entry(Status.Code.DATA_LOSS, 500));

  @Test
  void everyCode_theStandardHttpStatus() {
    for (Status.Code code : Status.Code.values()) {
      assertThat(HttpStatuses.of(code)).as(code.name()).isEqualTo(GRPC_GATEWAY.get(code));
    }
  }
}

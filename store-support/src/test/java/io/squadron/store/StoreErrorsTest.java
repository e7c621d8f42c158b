package io.squadron.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.rpc.internal.errors.ErrorMapping;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StoreErrorsTest {
  private final ErrorMapping mapping = new ErrorMapping(List.of(StoreErrors.exceptionMapper()));

  @Test
  void storeUnavailable_mapsToUnavailable_withDependencyReasonAndRetryInfo() throws Exception {
    StatusRuntimeException status =
        mapping.toStatus(new StoreUnavailableException("postgres", "read user", null));

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getStatus().getDescription())
        .contains("postgres unavailable during read user");
    com.google.rpc.Status details = StatusProto.fromThrowable(status);
    ErrorInfo info =
        details.getDetailsList().stream()
            .filter(a -> a.is(ErrorInfo.class))
            .findFirst()
            .orElseThrow()
            .unpack(ErrorInfo.class);
    assertThat(info.getReason()).isEqualTo("DEPENDENCY_UNAVAILABLE");
    assertThat(info.getDomain()).isEqualTo("squadron.io");
    RetryInfo retry =
        details.getDetailsList().stream()
            .filter(a -> a.is(RetryInfo.class))
            .findFirst()
            .orElseThrow()
            .unpack(RetryInfo.class);
    assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(StoreErrors.RETRY_DELAY.getSeconds());
  }

  @Test
  void storeUnavailable_wrappedByAFuture_stillMapped() {
    StatusRuntimeException status =
        mapping.toStatus(
            new CompletionException(new StoreUnavailableException("cassandra", "read", null)));
    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void otherExceptions_notMapped() {
    assertThat(StoreErrors.exceptionMapper().map(new IllegalStateException("x"))).isEmpty();
    assertThat(StoreErrors.exceptionMapper().map(new CompletionException(new SQLException("x"))))
        .isEmpty();
  }

  @Test
  void exception_namesStoreOperationAndFailureType_neverTheDriversText_andIsCheap() {
    SQLException driver =
        new SQLException(
            "ERROR: duplicate key value violates unique constraint\n"
                + "  Detail: Key (username)=(alice@example.com) already exists.",
            "23505");
    StoreUnavailableException e = new StoreUnavailableException("postgres", "create user", driver);

    assertThat(e)
        .hasMessage("postgres unavailable during create user (SQLException, SQLState 23505)");
    assertThat(e.getCause()).isNull();
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(e.store()).isEqualTo("postgres");
    assertThat(e.operation()).isEqualTo("create user");
    assertThat(mapping.toStatus(e).getStatus().getDescription()).doesNotContain("alice");
  }
}

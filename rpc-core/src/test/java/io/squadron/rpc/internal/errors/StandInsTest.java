package io.squadron.rpc.internal.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import org.junit.jupiter.api.Test;

class StandInsTest {
  @Test
  void standIn_recognisedByIdentityOnce_neverByEqualContent() {
    StandIns standIns = new StandIns();
    ShuffleRequest standIn = ShuffleRequest.newBuilder().buildPartial();
    standIns.put(standIn, Status.INVALID_ARGUMENT.asRuntimeException());

    assertThat(standIns.take(ShuffleRequest.getDefaultInstance())).isEmpty();
    assertThat(standIns.take(ShuffleRequest.newBuilder().build())).isEmpty();
    assertThat(standIns.take(standIn))
        .hasValueSatisfying(
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(standIns.take(standIn)).isEmpty();
    assertThat(standIns.size()).isZero();
  }
}

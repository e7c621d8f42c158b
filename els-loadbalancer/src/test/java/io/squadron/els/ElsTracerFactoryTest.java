package io.squadron.els;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class ElsTracerFactoryTest {

  private long now = 5_000_000_000L;
  private final EndpointStats stats =
      new EndpointStats(1_000_000_000L, 10_000_000_000L, 5_000_000_000L, now);
  private final ElsTracerFactory factory = new ElsTracerFactory(stats, () -> now);

  private ClientStreamTracer start() {
    return factory.newClientStreamTracer(
        ClientStreamTracer.StreamInfo.newBuilder().build(), new Metadata());
  }

  @Test
  void countsOutstanding_thenRecordsLatencyAndOutcome() {
    ClientStreamTracer ok = start();
    ClientStreamTracer slowFailure = start();
    assertThat(stats.outstanding()).isEqualTo(2);
    now += 20_000_000L;
    ok.streamClosed(Status.OK);
    now += 480_000_000L;
    slowFailure.streamClosed(Status.DEADLINE_EXCEEDED);
    assertThat(stats.outstanding()).isZero();
    EndpointStats.Snapshot s = stats.snapshot();
    assertThat(s.failCount).isEqualTo(1.0);
    assertThat(s.failLatency).isEqualTo(0.5);
    assertThat(s.okCount).isLessThan(1.0).isGreaterThan(0.6); // decayed over 480 ms with tau = 1 s
    assertThat(s.breakerFail).isEqualTo(1.0);
  }

  @Test
  void callerCancellation_isNotHeldAgainstTheEndpoint_andCloseIsIdempotent() {
    ClientStreamTracer t = start();
    now += 1_000_000L;
    t.streamClosed(Status.CANCELLED);
    t.streamClosed(Status.CANCELLED);
    assertThat(stats.outstanding()).isZero();
    assertThat(stats.snapshot().failCount + stats.snapshot().okCount).isZero();
  }

  @Test
  void verdictsOnTheRequest_countAsAnswers_serverSideTroubleAsFailures() {
    for (Status.Code code :
        new Status.Code[] {
          Status.Code.INVALID_ARGUMENT,
          Status.Code.NOT_FOUND,
          Status.Code.ALREADY_EXISTS,
          Status.Code.PERMISSION_DENIED,
          Status.Code.UNAUTHENTICATED,
          Status.Code.FAILED_PRECONDITION,
          Status.Code.ABORTED,
          Status.Code.OUT_OF_RANGE
        }) {
      assertThat(ElsTracerFactory.outcome(code.toStatus()))
          .as("%s", code)
          .isEqualTo(EndpointStats.Outcome.SUCCESS);
    }
    for (Status.Code code :
        new Status.Code[] {
          Status.Code.UNKNOWN,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.UNIMPLEMENTED,
          Status.Code.INTERNAL,
          Status.Code.UNAVAILABLE,
          Status.Code.DATA_LOSS
        }) {
      assertThat(ElsTracerFactory.outcome(code.toStatus()))
          .as("%s", code)
          .isEqualTo(EndpointStats.Outcome.FAILURE);
    }
    assertThat(ElsTracerFactory.outcome(Status.CANCELLED)).isEqualTo(EndpointStats.Outcome.IGNORED);
  }

  @Test
  void aFailure_callsTheBreakerHook_aSuccessDoesNot() {
    int[] calls = new int[1];
    ElsTracerFactory f = new ElsTracerFactory(stats, () -> now, () -> calls[0]++);
    f.newClientStreamTracer(ClientStreamTracer.StreamInfo.newBuilder().build(), new Metadata())
        .streamClosed(Status.OK);
    f.newClientStreamTracer(ClientStreamTracer.StreamInfo.newBuilder().build(), new Metadata())
        .streamClosed(Status.UNAVAILABLE);
    assertThat(calls[0]).isEqualTo(1);
    assertThat(stats.snapshot().recentCount).isEqualTo(2);
    assertThat(stats.snapshot().recentFailures).isEqualTo(1L); // newest (the failure) in bit 0
  }
}

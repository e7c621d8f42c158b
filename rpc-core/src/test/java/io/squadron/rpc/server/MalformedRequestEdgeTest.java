package io.squadron.rpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.rpc.BadRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * What a client in another language can send that a Java stub cannot: bytes that are not a valid
 * request.
 */
class MalformedRequestEdgeTest {
  private static final MethodDescriptor<byte[], byte[]> RAW_SHUFFLE =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(ShuffleServiceGrpc.getShuffleMethod().getFullMethodName())
          .setRequestMarshaller(new RawMarshaller())
          .setResponseMarshaller(new RawMarshaller())
          .build();

  /** tracks[1].artist_id holds 0xFF, which is never valid UTF-8. */
  private static byte[] requestWithInvalidUtf8() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream request = CodedOutputStream.newInstance(out);
    request.writeBytes(1, track(ByteString.copyFromUtf8("t0"), ByteString.copyFromUtf8("a0")));
    request.writeBytes(
        1,
        track(ByteString.copyFromUtf8("t1"), ByteString.copyFrom(new byte[] {'a', (byte) 0xFF})));
    request.flush();
    return out.toByteArray();
  }

  private static ByteString track(ByteString id, ByteString artist) throws IOException {
    ByteString.Output out = ByteString.newOutput();
    CodedOutputStream track = CodedOutputStream.newInstance(out);
    track.writeBytes(1, id);
    track.writeBytes(2, artist);
    track.flush();
    return out.toByteString();
  }

  @Test
  void invalidUtf8InNestedString_invalidArgumentNamingTheField() throws Exception {
    ScriptedShuffleService service = new ScriptedShuffleService("s");
    try (SquadronServer server =
        TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
            .service(service)
            .build()
            .start()) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        byte[] request = requestWithInvalidUtf8();
        assertThatThrownBy(
                () ->
                    ClientCalls.blockingUnaryCall(
                        channel, RAW_SHUFFLE, CallOptions.DEFAULT, request))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                  assertThat(e.getStatus().getDescription())
                      .contains("tracks[1].artist_id")
                      .contains("UTF-8");
                  assertThat(StatusProto.fromThrowable(e).getDetailsList())
                      .anySatisfy(any -> assertThat(any.is(BadRequest.class)).isTrue());
                });
        assertThat(service.calls.get()).isZero();

        byte[] garbage = {0x0A, 0x7F, 0x01};
        assertThatThrownBy(
                () ->
                    ClientCalls.blockingUnaryCall(
                        channel, RAW_SHUFFLE, CallOptions.DEFAULT, garbage))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                  assertThat(e.getStatus().getDescription())
                      .contains("squadron.shuffle.v1.ShuffleRequest");
                });
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * A valid request that also carries, in the field number the server once used for its own
   * parse-failure stand-in, a google.rpc.Status of the caller's choosing.
   */
  private static byte[] requestCarryingAChosenStatus(Status.Code code) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream request = CodedOutputStream.newInstance(out);
    request.writeBytes(1, track(ByteString.copyFromUtf8("t0"), ByteString.copyFromUtf8("a0")));
    request.writeBytes(
        536_870_911,
        com.google.rpc.Status.newBuilder()
            .setCode(code.value())
            .setMessage("status chosen by the caller")
            .build()
            .toByteString());
    request.flush();
    return out.toByteArray();
  }

  @Test
  void callerSendingTheStandInField_cannotChooseItsStatus_handlerRunsAndCallIsRecordedOk()
      throws Exception {
    ScriptedShuffleService service = new ScriptedShuffleService("s");
    try (SquadronServer server =
        TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
            .service(service)
            .build()
            .start()) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        byte[] request = requestCarryingAChosenStatus(Status.Code.INTERNAL);

        byte[] response =
            ClientCalls.blockingUnaryCall(channel, RAW_SHUFFLE, CallOptions.DEFAULT, request);

        assertThat(
                io.squadron.proto.shuffle.v1.ShuffleResponse.parseFrom(response)
                    .getTracks(0)
                    .getTrackId())
            .isEqualTo("t0");
        assertThat(service.calls.get()).isEqualTo(1);
        String metrics = server.meterRegistry().scrape();
        assertThat(metrics)
            .containsPattern(
                "squadron_rpc_server_duration_seconds_count\\{[^}]*method=\"Shuffle\"[^}]*status=\"OK\"[^}]*} 1");
        assertThat(metrics).doesNotContain("status=\"INTERNAL\"");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static final class RawMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}

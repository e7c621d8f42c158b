package io.squadron.rpc.internal.errors;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Request parsing of every service's every method, as the server runs it (the marshallers {@link
 * RequestValidation} wraps): any bytes either parse exactly as protobuf parses them, or become a
 * stand-in the error-mapping stage rejects with INVALID_ARGUMENT naming a field; the parser never
 * throws.
 */
class RequestParsingFuzzTest {
  private static final RequestValidation VALIDATION = new RequestValidation(4 << 20);
  private static final List<MethodDescriptor<?, ?>> METHODS =
      wrappedMethods(
          ShuffleServiceGrpc.getServiceDescriptor(),
          PadlockServiceGrpc.getServiceDescriptor(),
          UserServiceGrpc.getServiceDescriptor());

  private static List<MethodDescriptor<?, ?>> wrappedMethods(ServiceDescriptor... services) {
    List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
    for (ServiceDescriptor service : services) {
      ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(service);
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        addUnimplemented(definition, method);
      }
      for (ServerMethodDefinition<?, ?> wrapped :
          VALIDATION.wrap(definition.build()).getMethods()) {
        methods.add(wrapped.getMethodDescriptor());
      }
    }
    return List.copyOf(methods);
  }

  private static <Q, R> void addUnimplemented(
      ServerServiceDefinition.Builder definition, MethodDescriptor<Q, R> m) {
    definition.addMethod(
        m,
        (call, headers) -> {
          throw new UnsupportedOperationException("parsing only");
        });
  }

  @FuzzTest(maxDuration = "10s")
  void anyBytesForAnyMethod_parseOrAreRejectedNamingAField(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    MethodDescriptor<?, ?> method = METHODS.get(Byte.toUnsignedInt(input[0]) % METHODS.size());
    byte[] body = java.util.Arrays.copyOfRange(input, 1, input.length);
    Message prototype =
        (Message)
            ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
                .getMessagePrototype();
    Message expected;
    try {
      expected = prototype.getParserForType().parseFrom(body);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      expected = null;
    }

    Object parsed = method.parseRequest(new ByteArrayInputStream(body));
    Optional<StatusRuntimeException> rejection = VALIDATION.rejection(parsed);

    if (expected != null) {
      assertThat(rejection).isEmpty();
      assertThat(parsed).isEqualTo(expected);
    } else {
      assertThat(rejection).isPresent();
      assertThat(rejection.get().getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      com.google.rpc.Status details = StatusProto.fromThrowable(rejection.get());
      assertThat(details).isNotNull();
      assertThat(details.getDetailsList())
          .anySatisfy(
              any -> {
                assertThat(any.is(BadRequest.class)).isTrue();
                assertThat(any.unpack(BadRequest.class).getFieldViolations(0).getField())
                    .isNotBlank();
              });
    }
  }
}

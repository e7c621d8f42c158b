package io.squadron.deploy.call;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.DebugInfo;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Help;
import com.google.rpc.LocalizedMessage;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RequestInfo;
import com.google.rpc.ResourceInfo;
import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One unary call made from JSON with descriptors learned at run time: the request is parsed with
 * protobuf's {@link JsonFormat} (proto3 JSON mapping), the response and any error's {@code
 * google.rpc.Status} printed back as JSON, with the standard error details readable.
 */
final class DynamicCall {
  private static final JsonFormat.TypeRegistry ERROR_DETAILS =
      JsonFormat.TypeRegistry.newBuilder()
          .add(ErrorInfo.getDescriptor())
          .add(BadRequest.getDescriptor())
          .add(RetryInfo.getDescriptor())
          .add(DebugInfo.getDescriptor())
          .add(QuotaFailure.getDescriptor())
          .add(PreconditionFailure.getDescriptor())
          .add(ResourceInfo.getDescriptor())
          .add(Help.getDescriptor())
          .add(LocalizedMessage.getDescriptor())
          .add(RequestInfo.getDescriptor())
          .build();

  private final MethodDescriptor method;

  DynamicCall(MethodDescriptor method) {
    this.method = requireNonNull(method, "method");
    if (method.isClientStreaming() || method.isServerStreaming()) {
      throw new IllegalArgumentException(
          method.getFullName() + " is a streaming method (expected: a unary one)");
    }
  }

  /** Parses {@code json} as the request; a mistake names the field, as JsonFormat reports it. */
  DynamicMessage request(String json) {
    DynamicMessage.Builder request = DynamicMessage.newBuilder(method.getInputType());
    try {
      JsonFormat.parser().merge(json, request);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "the request is not a "
              + method.getInputType().getFullName()
              + " in JSON: "
              + e.getMessage(),
          e);
    }
    return request.build();
  }

  /** Calls and returns the response as JSON. */
  String call(Channel channel, DynamicMessage request, Duration deadline) {
    io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod =
        io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
            .setType(MethodType.UNARY)
            .setFullMethodName(
                io.grpc.MethodDescriptor.generateFullMethodName(
                    method.getService().getFullName(), method.getName()))
            .setRequestMarshaller(new Marshaller(method.getInputType()))
            .setResponseMarshaller(new Marshaller(method.getOutputType()))
            .build();
    DynamicMessage response =
        ClientCalls.blockingUnaryCall(
            channel,
            grpcMethod,
            CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS),
            request);
    return print(response);
  }

  /**
   * An error as JSON: the {@code google.rpc.Status} from its trailers (or its code and description
   * alone).
   */
  static String errorJson(StatusRuntimeException error) {
    com.google.rpc.Status status = StatusProto.fromThrowable(error);
    if (status == null) {
      status =
          com.google.rpc.Status.newBuilder()
              .setCode(error.getStatus().getCode().value())
              .setMessage(String.valueOf(error.getStatus().getDescription()))
              .build();
    }
    try {
      return JsonFormat.printer().usingTypeRegistry(ERROR_DETAILS).print(status);
    } catch (InvalidProtocolBufferException e) {
      // A detail of a type we do not know: print what we can without it.
      return "{\"code\": " + status.getCode() + ", \"message\": \"" + status.getMessage() + "\"}";
    }
  }

  private static String print(DynamicMessage message) {
    try {
      return JsonFormat.printer().usingTypeRegistry(ERROR_DETAILS).print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print the response as JSON: " + e.getMessage(), e);
    }
  }

  /** Reads and writes one message type as protobuf bytes. */
  private static final class Marshaller
      implements io.grpc.MethodDescriptor.Marshaller<DynamicMessage> {
    private final Descriptor type;

    Marshaller(Descriptor type) {
      this.type = type;
    }

    @Override
    public InputStream stream(DynamicMessage value) {
      return new ByteArrayInputStream(value.toByteArray());
    }

    @Override
    public DynamicMessage parse(InputStream stream) {
      try {
        return DynamicMessage.parseFrom(type, stream);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

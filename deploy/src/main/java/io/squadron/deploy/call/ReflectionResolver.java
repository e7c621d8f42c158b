package io.squadron.deploy.call;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Learns a service's API from the running server, as grpcurl does: asks gRPC server reflection (v1)
 * for the file that defines a symbol and its dependencies, and builds the protobuf descriptors from
 * them. Nothing about the service is compiled in.
 */
final class ReflectionResolver {
  private final Channel channel;
  private final Duration timeout;

  ReflectionResolver(Channel channel, Duration timeout) {
    this.channel = requireNonNull(channel, "channel");
    this.timeout = requireNonNull(timeout, "timeout");
  }

  /** The gRPC service named {@code fullName} (e.g. {@code squadron.shuffle.v1.ShuffleService}). */
  ServiceDescriptor service(String fullName) {
    Map<String, FileDescriptorProto> files = filesContaining(fullName);
    Map<String, FileDescriptor> built = new HashMap<>();
    for (FileDescriptorProto file : files.values()) {
      FileDescriptor descriptor = build(file.getName(), files, built);
      ServiceDescriptor service = descriptor.findServiceByName(simpleName(fullName));
      if (service != null && service.getFullName().equals(fullName)) {
        return service;
      }
    }
    throw Status.NOT_FOUND
        .withDescription("the server's reflection does not know " + fullName)
        .asRuntimeException();
  }

  private Map<String, FileDescriptorProto> filesContaining(String symbol) {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ClientCalls.asyncBidiStreamingCall(
            channel.newCall(
                ServerReflectionGrpc.getServerReflectionInfoMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)),
            new StreamObserver<>() {
              @Override
              public void onNext(ServerReflectionResponse value) {
                answer.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                answer.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                answer.completeExceptionally(
                    Status.UNAVAILABLE
                        .withDescription("reflection closed without an answer")
                        .asRuntimeException());
              }
            });
    requests.onNext(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
    requests.onCompleted();
    ServerReflectionResponse response;
    try {
      response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException s
          ? s
          : Status.UNKNOWN.withCause(e.getCause()).asRuntimeException();
    } catch (TimeoutException e) {
      throw Status.DEADLINE_EXCEEDED
          .withDescription("reflection did not answer in " + timeout)
          .asRuntimeException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withCause(e).asRuntimeException();
    }
    if (response.hasErrorResponse()) {
      throw Status.fromCodeValue(response.getErrorResponse().getErrorCode())
          .withDescription(response.getErrorResponse().getErrorMessage())
          .asRuntimeException();
    }
    Map<String, FileDescriptorProto> files = new HashMap<>();
    for (Iterator<ByteString> it =
            response.getFileDescriptorResponse().getFileDescriptorProtoList().iterator();
        it.hasNext(); ) {
      try {
        FileDescriptorProto file = FileDescriptorProto.parseFrom(it.next());
        files.put(file.getName(), file);
      } catch (InvalidProtocolBufferException e) {
        throw Status.INTERNAL
            .withDescription("reflection sent a file descriptor that does not parse")
            .asRuntimeException();
      }
    }
    return files;
  }

  private static FileDescriptor build(
      String name, Map<String, FileDescriptorProto> files, Map<String, FileDescriptor> built) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = files.get(name);
    if (proto == null) {
      throw Status.INTERNAL.withDescription("reflection did not send " + name).asRuntimeException();
    }
    FileDescriptor[] dependencies = new FileDescriptor[proto.getDependencyCount()];
    for (int i = 0; i < dependencies.length; i++) {
      dependencies[i] = build(proto.getDependency(i), files, built);
    }
    try {
      FileDescriptor descriptor = FileDescriptor.buildFrom(proto, dependencies);
      built.put(name, descriptor);
      return descriptor;
    } catch (DescriptorValidationException e) {
      throw Status.INTERNAL
          .withDescription(name + " is not a valid descriptor: " + e.getMessage())
          .asRuntimeException();
    }
  }

  private static String simpleName(String fullName) {
    return fullName.substring(fullName.lastIndexOf('.') + 1);
  }
}

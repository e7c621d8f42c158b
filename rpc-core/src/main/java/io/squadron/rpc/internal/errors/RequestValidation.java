package io.squadron.rpc.internal.errors;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.identity.Caller;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Makes a request that does not parse an INVALID_ARGUMENT naming the field, instead of grpc-java's
 * UNKNOWN "Application error processing RPC": above all, a proto3 {@code string} field holding
 * invalid UTF-8, which a caller in another language can easily send. Only the failure path does
 * extra work: valid requests parse as before.
 *
 * <p>grpc-java turns any exception thrown while parsing into UNKNOWN, so the marshaller does not
 * throw: it hands on a fresh empty request (a stand-in) and remembers, by the stand-in's identity,
 * the error it stands for; the error-mapping stage closes the call with that error before the
 * handler sees the message ({@link #rejection}). The stand-in is recognised by identity only, never
 * by its content: a caller can send any field, and must never choose the status its own call fails
 * with. One instance serves one server.
 */
public final class RequestValidation {
  private final StandIns standIns = new StandIns();
  private final int appMaxRequestBytes;

  /** Validates requests; a client app's request may be at most {@code appMaxRequestBytes} long. */
  public RequestValidation(int appMaxRequestBytes) {
    if (appMaxRequestBytes < 1) {
      throw new IllegalArgumentException(
          "appMaxRequestBytes: " + appMaxRequestBytes + " (expected: >= 1)");
    }
    this.appMaxRequestBytes = appMaxRequestBytes;
  }

  /**
   * The error to close the call with before the handler sees {@code request}: the error a stand-in
   * this instance made for a bad request stands for, or RESOURCE_EXHAUSTED when a client app
   * ({@link Caller#current()}) sent more than its limit (the transport's limit, higher, is for
   * services).
   */
  public Optional<StatusRuntimeException> rejection(Object request) {
    Optional<StatusRuntimeException> standIn = standIns.take(request);
    if (standIn.isPresent()) {
      return standIn;
    }
    if (request instanceof Message message && Caller.current().isApp()) {
      int size = message.getSerializedSize();
      if (size > appMaxRequestBytes) {
        return Optional.of(
            RpcErrors.of(
                Status.Code.RESOURCE_EXHAUSTED,
                ErrorReason.REQUEST_TOO_LARGE,
                "request: "
                    + size
                    + " bytes (expected: at most "
                    + appMaxRequestBytes
                    + " bytes from a client app)"));
      }
    }
    return Optional.empty();
  }

  /**
   * An empty request of {@code prototype}'s type standing for one that could not be decoded (by the
   * HTTP/JSON transcoder; the gRPC marshallers of {@link #wrap} make their own): handed to this
   * instance's chain like a request, it makes the error-mapping stage close the call with {@code
   * error} before the handler runs, after identity, permission and rate limit, and counted by
   * metrics. Recognised by identity only, as every stand-in.
   */
  public Message standIn(Message prototype, StatusRuntimeException error) {
    requireNonNull(prototype, "prototype");
    requireNonNull(error, "error");
    return standIn(prototype, standIns, error);
  }

  // A new object every time (never the shared default instance), so its identity is its own.
  private static Message standIn(
      Message prototype, StandIns standIns, StatusRuntimeException error) {
    Message standIn = prototype.newBuilderForType().buildPartial();
    standIns.put(standIn, error);
    return standIn;
  }

  /** The same service with every protobuf request marshaller wrapped. */
  public ServerServiceDefinition wrap(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor());
    java.util.List<ServerMethodDefinition<?, ?>> methods = new java.util.ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      methods.add(wrapMethod(method));
    }
    for (ServerMethodDefinition<?, ?> method : methods) {
      descriptor.addMethod(method.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder wrapped = ServerServiceDefinition.builder(descriptor.build());
    for (ServerMethodDefinition<?, ?> method : methods) {
      wrapped.addMethod(method);
    }
    return wrapped.build();
  }

  private <ReqT, RespT> ServerMethodDefinition<ReqT, RespT> wrapMethod(
      ServerMethodDefinition<ReqT, RespT> m) {
    MethodDescriptor<ReqT, RespT> method = m.getMethodDescriptor();
    if (!(method.getRequestMarshaller()
            instanceof MethodDescriptor.PrototypeMarshaller<ReqT> marshaller)
        || !(marshaller.getMessagePrototype() instanceof Message prototype)) {
      return m;
    }
    MethodDescriptor<ReqT, RespT> wrapped =
        method.toBuilder()
            .setRequestMarshaller(new ExplainingMarshaller<>(marshaller, prototype, standIns))
            .build();
    return ServerMethodDefinition.create(wrapped, m.getServerCallHandler());
  }

  /** Delegates; on a parse failure, finds the field at fault and says so. */
  private static final class ExplainingMarshaller<T>
      implements MethodDescriptor.PrototypeMarshaller<T> {
    private final MethodDescriptor.PrototypeMarshaller<T> delegate;
    private final Message prototype;
    private final Descriptor type;
    private final StandIns standIns;

    ExplainingMarshaller(
        MethodDescriptor.PrototypeMarshaller<T> delegate, Message prototype, StandIns standIns) {
      this.delegate = delegate;
      this.prototype = prototype;
      this.type = prototype.getDescriptorForType();
      this.standIns = standIns;
    }

    @Override
    public InputStream stream(T value) {
      return delegate.stream(value);
    }

    @Override
    public T parse(InputStream stream) {
      if (!stream.markSupported()) {
        stream = new ByteArrayInputStream(readAll(stream));
      }
      // Mark, so that only a request that fails to parse is read a second time.
      stream.mark(Integer.MAX_VALUE);
      try {
        return delegate.parse(stream);
      } catch (StatusRuntimeException e) {
        StatusRuntimeException error;
        try {
          stream.reset();
          error = explain(ByteString.copyFrom(readAll(stream)));
        } catch (IOException resetFailed) {
          error =
              RpcErrors.invalidArgument(
                  "request", "not a valid " + type.getFullName() + " protobuf message");
        }
        return standIn(error);
      }
    }

    @SuppressWarnings("unchecked")
    private T standIn(StatusRuntimeException error) {
      return (T) RequestValidation.standIn(prototype, standIns, error);
    }

    private static byte[] readAll(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL
            .withDescription("cannot read the request")
            .withCause(e)
            .asRuntimeException();
      }
    }

    private StatusRuntimeException explain(ByteString bytes) {
      Optional<String> field = invalidUtf8Field(type, bytes, "");
      if (field.isPresent()) {
        return RpcErrors.invalidArgument(
            field.get(), "not valid UTF-8 (strings must be UTF-8 encoded Unicode)");
      }
      return RpcErrors.invalidArgument(
          "request", "not a valid " + type.getFullName() + " protobuf message");
    }

    @Override
    public Class<T> getMessageClass() {
      return delegate.getMessageClass();
    }

    @Override
    public T getMessagePrototype() {
      return delegate.getMessagePrototype();
    }
  }

  /** The path of the first string field (at any depth) whose bytes are not UTF-8. */
  static Optional<String> invalidUtf8Field(Descriptor type, ByteString bytes, String prefix) {
    UnknownFieldSet fields;
    try {
      fields = UnknownFieldSet.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
    for (var entry : fields.asMap().entrySet()) {
      FieldDescriptor field = type.findFieldByNumber(entry.getKey());
      if (field == null) {
        continue;
      }
      var values = entry.getValue().getLengthDelimitedList();
      for (int i = 0; i < values.size(); i++) {
        String path = prefix + field.getName() + (field.isRepeated() ? "[" + i + "]" : "");
        if (field.getType() == FieldDescriptor.Type.STRING && !values.get(i).isValidUtf8()) {
          return Optional.of(path);
        }
        if (field.getType() == FieldDescriptor.Type.MESSAGE) {
          Optional<String> inner =
              invalidUtf8Field(field.getMessageType(), values.get(i), path + ".");
          if (inner.isPresent()) {
            return inner;
          }
        }
      }
    }
    return Optional.empty();
  }
}

package io.squadron.rpc.internal.http;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ServerMethodDefinition;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code google.api.http} binding of a unary method: the HTTP method and path template, where
 * the request body goes ({@code *}: the whole request; a field name: that field; empty: no body),
 * and which response field is the body (empty: the whole response).
 *
 * @param httpMethod upper case, e.g. {@code POST}
 * @param template the path template
 * @param body {@code *}, a top-level request field, or empty
 * @param responseBody a top-level response field, or empty
 * @param method the gRPC method with the server chain in front of it
 * @param protoMethod the method's protobuf descriptor
 * @param requestPrototype the default request message
 * @param pathFields the proto field paths the template binds
 */
record HttpBinding(
    String httpMethod,
    PathTemplate template,
    String body,
    String responseBody,
    ServerMethodDefinition<?, ?> method,
    Descriptors.MethodDescriptor protoMethod,
    Message requestPrototype,
    Set<String> pathFields) {

  /** The full gRPC method name, e.g. {@code squadron.shuffle.v1.ShuffleService/Shuffle}. */
  String fullMethodName() {
    return method.getMethodDescriptor().getFullMethodName();
  }

  /** The top-level request field that takes the body, when the body maps to one field. */
  Optional<FieldDescriptor> bodyField() {
    return body.isEmpty() || body.equals("*")
        ? Optional.empty()
        : Optional.of(protoMethod.getInputType().findFieldByName(body));
  }

  /**
   * Whether query parameters may set request fields (they may not when the body is the whole
   * request).
   */
  boolean takesQueryParameters() {
    return !body.equals("*");
  }

  /** Whether the request has a body. */
  boolean takesBody() {
    return !body.isEmpty();
  }

  @Override
  public String toString() {
    return httpMethod + " " + template + " -> " + fullMethodName();
  }
}

package io.squadron.rpc.internal.http;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The HTTP bindings of a server's methods, read from the {@code google.api.http} options in their
 * {@code .proto} (through the descriptors protoc generated, {@link ProtoMethodDescriptorSupplier}),
 * and the lookup of a request's method and path. Bad rules are refused when the server is built,
 * naming the method and the rule.
 */
final class HttpRoutes {
  private static final Pattern TOKEN = Pattern.compile("[A-Z][A-Z0-9-]*");
  private static final Comparator<HttpBinding> MOST_SPECIFIC_FIRST =
      (a, b) -> Arrays.compare(a.template().rank(), b.template().rank());

  /** A request's route: a binding and its path values, or why there is none. */
  sealed interface Match permits Found, WrongMethod, NotFound {}

  /** The binding and the decoded values of its path variables. */
  record Found(HttpBinding binding, Map<String, String> pathValues) implements Match {}

  /** The path is bound, to other HTTP methods ({@code allow}). */
  record WrongMethod(String allow) implements Match {}

  /** No binding has this path. */
  record NotFound() implements Match {}

  private final List<HttpBinding> bindings;

  private HttpRoutes(List<HttpBinding> bindings) {
    List<HttpBinding> sorted = new ArrayList<>(bindings);
    sorted.sort(MOST_SPECIFIC_FIRST);
    this.bindings = List.copyOf(sorted);
  }

  /**
   * The bindings of every annotated method of {@code services}.
   *
   * @throws IllegalArgumentException naming the method whose rule is invalid, or two rules that
   *     collide
   */
  static HttpRoutes of(List<ServerServiceDefinition> services) {
    List<HttpBinding> bindings = new ArrayList<>();
    Map<String, HttpBinding> byShape = new HashMap<>();
    for (ServerServiceDefinition service : services) {
      for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
        for (HttpBinding binding : bindingsOf(method)) {
          HttpBinding clash =
              byShape.putIfAbsent(binding.httpMethod() + " " + binding.template().shape(), binding);
          if (clash != null) {
            throw new IllegalArgumentException(
                "google.api.http: " + binding + " collides with " + clash);
          }
          bindings.add(binding);
        }
      }
    }
    return new HttpRoutes(bindings);
  }

  /** Every binding, most specific first. */
  List<HttpBinding> bindings() {
    return bindings;
  }

  /** Whether no method has a binding. */
  boolean isEmpty() {
    return bindings.isEmpty();
  }

  /** The route of {@code httpMethod} {@code rawPath} (still percent-encoded, no query). */
  Match match(String httpMethod, String rawPath) {
    Set<String> otherMethods = new LinkedHashSet<>();
    for (HttpBinding binding : bindings) {
      Optional<Map<String, String>> values = binding.template().match(rawPath);
      if (values.isEmpty()) {
        continue;
      }
      if (binding.httpMethod().equals(httpMethod)) {
        return new Found(binding, values.get());
      }
      otherMethods.add(binding.httpMethod());
    }
    return otherMethods.isEmpty()
        ? new NotFound()
        : new WrongMethod(String.join(", ", otherMethods.stream().sorted().toList()));
  }

  /**
   * Whether some binding has {@code rawPath}, whatever its method (CORS preflights ask before the
   * real request).
   */
  boolean hasPath(String rawPath) {
    return bindings.stream().anyMatch(b -> b.template().match(rawPath).isPresent());
  }

  private static List<HttpBinding> bindingsOf(ServerMethodDefinition<?, ?> definition) {
    MethodDescriptor<?, ?> method = definition.getMethodDescriptor();
    if (!(method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier supplier)) {
      return List.of();
    }
    Descriptors.MethodDescriptor proto = supplier.getMethodDescriptor();
    if (!proto.getOptions().hasExtension(AnnotationsProto.http)) {
      return List.of();
    }
    String name = method.getFullMethodName();
    if (method.getType() != MethodDescriptor.MethodType.UNARY) {
      throw new IllegalArgumentException(
          "google.api.http on "
              + name
              + ": HTTP/JSON transcodes unary methods only "
              + "(this one is "
              + method.getType()
              + ")");
    }
    if (!(method.getRequestMarshaller()
            instanceof MethodDescriptor.PrototypeMarshaller<?> marshaller)
        || !(marshaller.getMessagePrototype() instanceof Message prototype)) {
      throw new IllegalArgumentException(
          "google.api.http on " + name + ": the request is not a protobuf message");
    }
    HttpRule rule = proto.getOptions().getExtension(AnnotationsProto.http);
    List<HttpBinding> bindings = new ArrayList<>();
    bindings.add(binding(definition, proto, prototype, rule, name));
    for (HttpRule additional : rule.getAdditionalBindingsList()) {
      if (additional.getAdditionalBindingsCount() > 0) {
        throw new IllegalArgumentException(
            "google.api.http on " + name + ": additional_bindings may not nest");
      }
      bindings.add(binding(definition, proto, prototype, additional, name));
    }
    return bindings;
  }

  private static HttpBinding binding(
      ServerMethodDefinition<?, ?> definition,
      Descriptors.MethodDescriptor proto,
      Message prototype,
      HttpRule rule,
      String name) {
    String httpMethod;
    String path;
    switch (rule.getPatternCase()) {
      case GET -> {
        httpMethod = "GET";
        path = rule.getGet();
      }
      case PUT -> {
        httpMethod = "PUT";
        path = rule.getPut();
      }
      case POST -> {
        httpMethod = "POST";
        path = rule.getPost();
      }
      case DELETE -> {
        httpMethod = "DELETE";
        path = rule.getDelete();
      }
      case PATCH -> {
        httpMethod = "PATCH";
        path = rule.getPatch();
      }
      case CUSTOM -> {
        httpMethod = rule.getCustom().getKind();
        path = rule.getCustom().getPath();
      }
      default ->
          throw new IllegalArgumentException(
              "google.api.http on " + name + ": no HTTP method and path");
    }
    if (!TOKEN.matcher(httpMethod).matches()) {
      throw new IllegalArgumentException(
          "google.api.http on "
              + name
              + ": custom kind '"
              + httpMethod
              + "' (expected: an upper-case HTTP method)");
    }
    PathTemplate template;
    try {
      template = PathTemplate.parse(path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("google.api.http on " + name + ": " + e.getMessage(), e);
    }
    Descriptors.Descriptor input = proto.getInputType();
    Set<String> pathFields = new LinkedHashSet<>();
    for (String fieldPath : template.fieldPaths()) {
      try {
        List<FieldDescriptor> fields = Fields.resolve(input, fieldPath, "field");
        FieldDescriptor leaf = fields.get(fields.size() - 1);
        if (leaf.isRepeated() || !Fields.isScalar(leaf)) {
          throw new TranscodingException(
              fieldPath, "must be a singular scalar field to be bound to the path");
        }
        pathFields.add(Fields.protoPath(fields));
      } catch (TranscodingException e) {
        throw new IllegalArgumentException(
            "google.api.http on " + name + ": path variable " + e.getMessage(), e);
      }
    }
    String body = rule.getBody();
    if (!body.isEmpty() && !body.equals("*") && input.findFieldByName(body) == null) {
      throw new IllegalArgumentException(
          "google.api.http on "
              + name
              + ": body '"
              + body
              + "' is not a field of "
              + input.getFullName());
    }
    if (!body.isEmpty() && !body.equals("*") && pathFields.contains(body)) {
      throw new IllegalArgumentException(
          "google.api.http on " + name + ": body '" + body + "' is also bound to the path");
    }
    String responseBody = rule.getResponseBody();
    if (!responseBody.isEmpty() && proto.getOutputType().findFieldByName(responseBody) == null) {
      throw new IllegalArgumentException(
          "google.api.http on "
              + name
              + ": response_body '"
              + responseBody
              + "' is not a field of "
              + proto.getOutputType().getFullName());
    }
    return new HttpBinding(
        httpMethod,
        template,
        body,
        responseBody,
        definition,
        proto,
        prototype,
        Set.copyOf(pathFields));
  }
}

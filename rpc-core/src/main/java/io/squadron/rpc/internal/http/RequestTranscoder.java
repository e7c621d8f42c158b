package io.squadron.rpc.internal.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds a method's protobuf request from an HTTP request, as {@code google/api/http.proto} says:
 * the path variables set the fields they name; the body is the whole request ({@code body: "*"}) or
 * one field; every other field may come as a query parameter ({@code
 * ?mode=SHUFFLE_MODE_RANDOM&tracks.artist_id=a}, repeated fields by repeating the parameter).
 * Values follow the proto3 JSON mapping (lowerCamelCase or original field names, 64-bit integers as
 * numbers or strings, enums by name or number) through protobuf's own {@link JsonFormat}, which
 * refuses unknown fields.
 *
 * <p>Everything is merged into one JSON object first, so a path variable inside a message of the
 * body does not erase the rest of that message. When JsonFormat refuses the result, and only then,
 * the request is walked again to find the field at fault and say what it must look like, without
 * echoing the value sent.
 */
final class RequestTranscoder {
  private static final int MAX_DEPTH = 100;
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

  private final JsonFormat.Parser parser = JsonFormat.parser();

  /**
   * The request for {@code binding}.
   *
   * @param pathValues the path variables' decoded values, by field path
   * @param query the query parameters, decoded
   * @param body the request body, or null when there is none
   * @throws TranscodingException naming the field at fault
   */
  Message transcode(
      HttpBinding binding,
      Map<String, String> pathValues,
      Map<String, List<String>> query,
      String body)
      throws TranscodingException {
    Message.Builder request = binding.requestPrototype().newBuilderForType();
    Descriptor type = request.getDescriptorForType();
    boolean hasBody = body != null && !body.isBlank();
    if (hasBody && !binding.takesBody()) {
      throw new TranscodingException(
          "body", "this method takes no request body (send its fields as query " + "parameters)");
    }
    if (!query.isEmpty() && !binding.takesQueryParameters()) {
      throw new TranscodingException(
          query.keySet().iterator().next(),
          "unknown query parameter (this method takes " + "every field in the JSON body)");
    }
    if (pathValues.isEmpty() && query.isEmpty() && binding.body().equals("*")) {
      if (hasBody) {
        merge(body, request, type); // the common POST: one parse, no intermediate tree
      }
      return request.build();
    }
    JsonObject tree = new JsonObject();
    if (hasBody) {
      JsonElement parsed =
          parseStrict(body).orElseThrow(() -> new TranscodingException("body", "not valid JSON"));
      if (binding.body().equals("*")) {
        if (!parsed.isJsonObject()) {
          throw new TranscodingException("body", "expected a JSON object of " + type.getFullName());
        }
        tree = parsed.getAsJsonObject();
      } else {
        tree.add(binding.body(), parsed);
      }
    }
    for (Map.Entry<String, String> variable : pathValues.entrySet()) {
      List<FieldDescriptor> fields = Fields.resolve(type, variable.getKey(), "field");
      set(tree, fields, List.of(variable.getValue()));
    }
    for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
      List<FieldDescriptor> fields = Fields.resolve(type, parameter.getKey(), "query parameter");
      String path = Fields.protoPath(fields);
      FieldDescriptor leaf = fields.get(fields.size() - 1);
      if (binding.pathFields().stream()
          .anyMatch(p -> p.equals(path) || p.startsWith(path + ".") || path.startsWith(p + "."))) {
        throw new TranscodingException(
            path, "is bound by the URL path; do not repeat it as a query parameter");
      }
      if (binding.bodyField().isPresent() && fields.get(0).equals(binding.bodyField().get())) {
        throw new TranscodingException(
            path, "is part of the request body; do not repeat it as a query parameter");
      }
      if (!Fields.isScalar(leaf)) {
        throw new TranscodingException(
            path, "is a message; set its fields one by one (" + path + ".<field>=...)");
      }
      if (!leaf.isRepeated() && parameter.getValue().size() > 1) {
        throw new TranscodingException(
            path, "given " + parameter.getValue().size() + " times (it takes one value)");
      }
      set(tree, fields, parameter.getValue());
    }
    merge(tree.toString(), request, type);
    return request.build();
  }

  /**
   * Sets the leaf of {@code fields} in {@code tree} (replacing it under either of its names) to
   * {@code values}.
   */
  private static void set(JsonObject tree, List<FieldDescriptor> fields, List<String> values)
      throws TranscodingException {
    JsonObject at = tree;
    for (int i = 0; i < fields.size() - 1; i++) {
      FieldDescriptor f = fields.get(i);
      JsonElement existing = at.has(f.getName()) ? at.get(f.getName()) : at.get(f.getJsonName());
      JsonObject next =
          existing != null && existing.isJsonObject()
              ? existing.getAsJsonObject()
              : new JsonObject();
      at.remove(f.getJsonName());
      at.add(f.getName(), next);
      at = next;
    }
    FieldDescriptor leaf = fields.get(fields.size() - 1);
    String path = Fields.protoPath(fields);
    at.remove(leaf.getJsonName());
    at.remove(leaf.getName());
    if (leaf.isRepeated()) {
      JsonArray array = new JsonArray();
      for (String value : values) {
        array.add(literal(leaf, value, path));
      }
      at.add(leaf.getName(), array);
    } else {
      at.add(leaf.getName(), literal(leaf, values.get(0), path));
    }
  }

  /** A string from a URL as the JSON value JsonFormat reads for {@code field}. */
  private static JsonPrimitive literal(FieldDescriptor field, String text, String path)
      throws TranscodingException {
    boolean bool =
        field.getType() == FieldDescriptor.Type.BOOL
            || (field.getType() == FieldDescriptor.Type.MESSAGE
                && field.getMessageType().getFullName().equals("google.protobuf.BoolValue"));
    if (bool) {
      return switch (text) {
        case "true" -> new JsonPrimitive(true);
        case "false" -> new JsonPrimitive(false);
        default -> throw new TranscodingException(path, "expected true or false");
      };
    }
    if (field.getType() == FieldDescriptor.Type.ENUM && INTEGER.matcher(text).matches()) {
      try {
        return new JsonPrimitive(Integer.parseInt(text));
      } catch (NumberFormatException e) {
        throw new TranscodingException(path, "expected " + Fields.expected(field));
      }
    }
    return new JsonPrimitive(
        text); // JsonFormat reads numbers, bytes and well-known types from strings
  }

  private void merge(String json, Message.Builder request, Descriptor type)
      throws TranscodingException {
    try {
      parser.merge(json, request);
    } catch (IOException | RuntimeException e) {
      throw explain(json, type);
    }
  }

  /** Why {@code json} is not a valid {@code type}: the first field at fault. */
  private TranscodingException explain(String json, Descriptor type) {
    Optional<JsonElement> tree = parseStrict(json);
    if (tree.isEmpty()) {
      return new TranscodingException("body", "not valid JSON");
    }
    if (!tree.get().isJsonObject()) {
      return new TranscodingException("body", "expected a JSON object of " + type.getFullName());
    }
    return walk(tree.get(), type, "", 0)
        .orElseGet(
            () ->
                new TranscodingException(
                    "body",
                    "not a valid JSON "
                        + type.getFullName()
                        + " (is a field given twice, under both of its names?)"));
  }

  private Optional<TranscodingException> walk(
      JsonElement json, Descriptor type, String prefix, int depth) {
    String here = prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1);
    if (depth > MAX_DEPTH) {
      return Optional.of(
          new TranscodingException(here, "nested more than " + MAX_DEPTH + " levels deep"));
    }
    if (!json.isJsonObject()) {
      return Optional.of(
          new TranscodingException(here, "expected a JSON object of " + type.getFullName()));
    }
    for (Map.Entry<String, JsonElement> entry : json.getAsJsonObject().entrySet()) {
      FieldDescriptor field = Fields.find(type, entry.getKey());
      if (field == null) {
        return Optional.of(
            new TranscodingException(
                prefix + entry.getKey(),
                "unknown field (no such field in " + type.getFullName() + ")"));
      }
      String path = prefix + field.getName();
      JsonElement value = entry.getValue();
      if (value.isJsonNull()) {
        continue;
      }
      Optional<TranscodingException> fault;
      if (field.isMapField()) {
        fault = walkMap(field, value, path, depth);
      } else if (field.isRepeated()) {
        fault = walkList(type, field, value, path, depth);
      } else if (!Fields.isOpaque(field)) {
        fault = walk(value, field.getMessageType(), path + ".", depth + 1);
      } else {
        fault =
            accepts(type, field.getName(), value)
                ? Optional.empty()
                : Optional.of(new TranscodingException(path, "expected " + Fields.expected(field)));
      }
      if (fault.isPresent()) {
        return fault;
      }
    }
    return Optional.empty();
  }

  private Optional<TranscodingException> walkList(
      Descriptor type, FieldDescriptor field, JsonElement value, String path, int depth) {
    if (!value.isJsonArray()) {
      return Optional.of(new TranscodingException(path, "expected a JSON array"));
    }
    JsonArray array = value.getAsJsonArray();
    for (int i = 0; i < array.size(); i++) {
      String item = path + "[" + i + "]";
      Optional<TranscodingException> fault;
      if (!Fields.isOpaque(field)) {
        fault = walk(array.get(i), field.getMessageType(), item + ".", depth + 1);
      } else {
        JsonArray one = new JsonArray();
        one.add(array.get(i));
        fault =
            accepts(type, field.getName(), one)
                ? Optional.empty()
                : Optional.of(new TranscodingException(item, "expected " + Fields.expected(field)));
      }
      if (fault.isPresent()) {
        return fault;
      }
    }
    return Optional.empty();
  }

  private Optional<TranscodingException> walkMap(
      FieldDescriptor field, JsonElement value, String path, int depth) {
    if (!value.isJsonObject()) {
      return Optional.of(new TranscodingException(path, "expected a JSON object (a map)"));
    }
    Descriptor entryType = field.getMessageType();
    FieldDescriptor valueField = entryType.findFieldByName("value");
    for (Map.Entry<String, JsonElement> entry : value.getAsJsonObject().entrySet()) {
      String item = path + "[" + entry.getKey() + "]";
      if (!Fields.isOpaque(valueField) && !entry.getValue().isJsonNull()) {
        Optional<TranscodingException> fault =
            walk(entry.getValue(), valueField.getMessageType(), item + ".", depth + 1);
        if (fault.isPresent()) {
          return fault;
        }
      }
      JsonObject one = new JsonObject();
      one.add(entry.getKey(), entry.getValue());
      if (!accepts(field.getContainingType(), field.getName(), one)) {
        return Optional.of(
            new TranscodingException(
                item,
                "expected a key of "
                    + Fields.expected(entryType.findFieldByName("key"))
                    + " and a value of "
                    + Fields.expected(valueField)));
      }
    }
    return Optional.empty();
  }

  /** Whether JsonFormat accepts {@code value} as field {@code name} of {@code type} on its own. */
  private boolean accepts(Descriptor type, String name, JsonElement value) {
    JsonObject one = new JsonObject();
    one.add(name, value == null ? JsonNull.INSTANCE : value);
    try {
      parser.merge(one.toString(), DynamicMessage.newBuilder(type));
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * {@code json} parsed strictly (as JsonFormat does), or empty when it is not one valid JSON
   * value.
   */
  private static Optional<JsonElement> parseStrict(String json) {
    try {
      JsonReader reader = new JsonReader(new StringReader(json));
      reader.setStrictness(Strictness.STRICT);
      JsonElement parsed = JsonParser.parseReader(reader);
      return reader.peek() == JsonToken.END_DOCUMENT ? Optional.of(parsed) : Optional.empty();
    } catch (JsonParseException | IOException | IllegalStateException e) {
      return Optional.empty();
    }
  }
}

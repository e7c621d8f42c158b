package io.squadron.rpc.internal.http;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Field paths of protobuf messages as HTTP rules and query parameters name them, and what a leaf
 * value may be.
 */
final class Fields {
  /**
   * Message types whose proto3 JSON form is a single value (a string, a number, ...), so a path
   * variable or a query parameter can set them, and a JSON diagnosis checks them as one value.
   */
  private static final Set<String> SCALAR_MESSAGES =
      Set.of(
          "google.protobuf.Timestamp",
          "google.protobuf.Duration",
          "google.protobuf.FieldMask",
          "google.protobuf.DoubleValue",
          "google.protobuf.FloatValue",
          "google.protobuf.Int64Value",
          "google.protobuf.UInt64Value",
          "google.protobuf.Int32Value",
          "google.protobuf.UInt32Value",
          "google.protobuf.BoolValue",
          "google.protobuf.StringValue",
          "google.protobuf.BytesValue");

  /** Message types with a JSON form of their own that is not an object of their fields. */
  private static final Set<String> OPAQUE_MESSAGES =
      Set.of(
          "google.protobuf.Struct",
          "google.protobuf.Value",
          "google.protobuf.ListValue",
          "google.protobuf.Any");

  private Fields() {}

  /**
   * The fields along {@code path} (dot-separated; each part a proto name or its lowerCamelCase JSON
   * name).
   *
   * @throws TranscodingException naming the first part that is not a field, or crosses a repeated
   *     or scalar field
   */
  static List<FieldDescriptor> resolve(Descriptor type, String path, String what)
      throws TranscodingException {
    List<FieldDescriptor> fields = new ArrayList<>();
    Descriptor current = type;
    String[] parts = path.split("\\.", -1);
    StringBuilder seen = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      FieldDescriptor field = current == null ? null : find(current, parts[i]);
      if (seen.length() > 0) {
        seen.append('.');
      }
      seen.append(field == null ? parts[i] : field.getName());
      if (field == null) {
        throw new TranscodingException(
            seen.toString(),
            "unknown "
                + what
                + " (no such field in "
                + (current == null ? type.getFullName() : current.getFullName())
                + ")");
      }
      fields.add(field);
      if (i < parts.length - 1) {
        if (field.isRepeated()
            || field.getJavaType() != FieldDescriptor.JavaType.MESSAGE
            || isLeafMessage(field)) {
          throw new TranscodingException(
              seen.toString(), "is not a message field, so '" + path + "' names nothing");
        }
        current = field.getMessageType();
      }
    }
    return fields;
  }

  /** The field named {@code name} (proto name or JSON name) of {@code type}, or null. */
  static FieldDescriptor find(Descriptor type, String name) {
    FieldDescriptor byName = type.findFieldByName(name);
    if (byName != null) {
      return byName;
    }
    for (FieldDescriptor f : type.getFields()) {
      if (f.getJsonName().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** The proto names of {@code fields} joined by dots. */
  static String protoPath(List<FieldDescriptor> fields) {
    return String.join(".", fields.stream().map(FieldDescriptor::getName).toList());
  }

  /** Whether a path variable or query parameter can set {@code field} from one string. */
  static boolean isScalar(FieldDescriptor field) {
    return !field.isMapField()
        && (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || isLeafMessage(field));
  }

  /**
   * Whether {@code field} is a message whose JSON form is one value rather than an object of its
   * fields.
   */
  static boolean isLeafMessage(FieldDescriptor field) {
    return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && SCALAR_MESSAGES.contains(field.getMessageType().getFullName());
  }

  /**
   * Whether a JSON diagnosis should check {@code field}'s value whole instead of looking inside it.
   */
  static boolean isOpaque(FieldDescriptor field) {
    return field.getJavaType() != FieldDescriptor.JavaType.MESSAGE
        || isLeafMessage(field)
        || OPAQUE_MESSAGES.contains(field.getMessageType().getFullName());
  }

  /**
   * What a value of {@code field} must look like, for error messages (never echoes the value sent).
   */
  static String expected(FieldDescriptor field) {
    return switch (field.getType()) {
      case INT32, SINT32, SFIXED32 -> "a 32-bit integer";
      case INT64, SINT64, SFIXED64 -> "a 64-bit integer (a JSON number or a decimal string)";
      case UINT32, FIXED32 -> "an unsigned 32-bit integer";
      case UINT64, FIXED64 -> "an unsigned 64-bit integer (a JSON number or a decimal string)";
      case FLOAT, DOUBLE -> "a number";
      case BOOL -> "true or false";
      case STRING -> "a string";
      case BYTES -> "base64-encoded bytes";
      case ENUM ->
          "one of " + field.getEnumType().getValues().stream().map(v -> v.getName()).toList();
      case MESSAGE, GROUP ->
          switch (field.getMessageType().getFullName()) {
            case "google.protobuf.Timestamp" ->
                "an RFC 3339 timestamp such as 2026-01-31T12:00:00Z";
            case "google.protobuf.Duration" -> "a duration in seconds such as 1.5s";
            case "google.protobuf.FieldMask" -> "comma-separated field paths";
            default ->
                "a JSON "
                    + (isLeafMessage(field) ? "value" : "object")
                    + " of "
                    + field.getMessageType().getFullName();
          };
    };
  }
}

package io.squadron.providers.sim.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The one {@link ObjectMapper} of the simulator and the field readers every provider uses: each
 * failure is an {@link ApiError} 400 that names the field (with its path, e.g. {@code
 * amount.value}) and what was expected.
 */
public final class Json {
  /** The shared mapper (thread-safe once configured). */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);

  private Json() {}

  /** A new empty object. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses a request body that must be a JSON object (an empty body is an empty object). */
  public static ObjectNode parseObject(byte[] body) {
    if (body.length == 0) {
      return object();
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new ApiError(
          400, "invalid_json", "body: not valid JSON (" + firstLine(e.getMessage()) + ")", "body");
    }
    if (node == null || node.isMissingNode()) {
      return object();
    }
    if (!node.isObject()) {
      throw ApiError.badField("body", "expected a JSON object");
    }
    return (ObjectNode) node;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** Serializes to a string. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize JSON", e);
    }
  }

  /** The child object at {@code field} (required). */
  public static ObjectNode requiredObject(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw ApiError.badField(path, "missing (expected: an object)");
    }
    if (!node.isObject()) {
      throw ApiError.badField(path, "expected an object");
    }
    return (ObjectNode) node;
  }

  /** The child object at {@code field}, or null when absent. */
  public static ObjectNode optionalObject(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw ApiError.badField(path, "expected an object");
    }
    return (ObjectNode) node;
  }

  /**
   * A required non-blank string of at most {@code maxLength} characters, without control
   * characters.
   */
  public static String requiredString(JsonNode parent, String field, String path, int maxLength) {
    String value = optionalString(parent, field, path, maxLength);
    if (value == null) {
      throw ApiError.badField(path, "missing (expected: a string)");
    }
    return value;
  }

  /**
   * An optional string (null when absent); present values are checked like {@link #requiredString}.
   */
  public static String optionalString(JsonNode parent, String field, String path, int maxLength) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw ApiError.badField(path, "expected a string");
    }
    String value = node.asText();
    if (value.isBlank()) {
      throw ApiError.badField(path, "empty (expected: a non-blank string)");
    }
    if (value.length() > maxLength) {
      throw ApiError.badField(path, "longer than " + maxLength + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c) && !validSurrogate(value, i)) {
        throw ApiError.badField(path, "contains control characters or invalid Unicode");
      }
    }
    return value;
  }

  private static boolean validSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /** A required string matching {@code pattern}; {@code expected} describes it in the error. */
  public static String requiredMatching(
      JsonNode parent, String field, String path, Pattern pattern, String expected) {
    String value = requiredString(parent, field, path, 256);
    if (!pattern.matcher(value).matches()) {
      throw ApiError.badField(path, "'" + value + "' is not " + expected);
    }
    return value;
  }

  /**
   * A required integer in {@code [min, max]} (JSON number without fraction, or a string of digits
   * if allowed).
   */
  public static long requiredLong(JsonNode parent, String field, String path, long min, long max) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw ApiError.badField(path, "missing (expected: an integer)");
    }
    return toLong(node, path, min, max);
  }

  /** An optional integer (the default when absent). */
  public static long optionalLong(
      JsonNode parent, String field, String path, long min, long max, long dflt) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return dflt;
    }
    return toLong(node, path, min, max);
  }

  private static long toLong(JsonNode node, String path, long min, long max) {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw ApiError.badField(path, "expected an integer");
    }
    long value = node.asLong();
    if (value < min || value > max) {
      throw ApiError.badField(path, value + " (expected: " + min + ".." + max + ")");
    }
    return value;
  }

  /** An optional boolean (the default when absent). */
  public static boolean optionalBoolean(JsonNode parent, String field, String path, boolean dflt) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return dflt;
    }
    if (!node.isBoolean()) {
      throw ApiError.badField(path, "expected true or false");
    }
    return node.asBoolean();
  }
}

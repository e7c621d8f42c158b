package io.squadron.billing.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Small JSON helpers for the adapters: paths like {@code error/decline_code}, decimal amounts. */
public final class Json {
  private Json() {}

  /** A new object. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * The node at {@code path} (segments separated by '/', array indexes as numbers), or a missing
   * node.
   */
  public static JsonNode at(JsonNode node, String path) {
    JsonNode n = node;
    for (String segment : path.split("/")) {
      if (n == null) {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
      }
      n =
          n.isArray() && segment.chars().allMatch(Character::isDigit)
              ? n.path(Integer.parseInt(segment))
              : n.path(segment);
    }
    return n;
  }

  /** The text at {@code path}, or null when missing or JSON null. */
  public static String text(JsonNode node, String path) {
    JsonNode n = at(node, path);
    return n.isMissingNode() || n.isNull() ? null : n.asText();
  }

  /** The number at {@code path}, or {@code otherwise}. */
  public static long number(JsonNode node, String path, long otherwise) {
    JsonNode n = at(node, path);
    if (n.isNumber()) {
      return n.asLong();
    }
    if (n.isTextual()) {
      try {
        return Long.parseLong(n.asText());
      } catch (NumberFormatException e) {
        return otherwise;
      }
    }
    return otherwise;
  }

  /**
   * A decimal string ("12.34") in minor units of a currency with {@code exponent} decimals, or -1.
   */
  public static long minorUnits(String decimal, int exponent) {
    if (decimal == null) {
      return -1;
    }
    try {
      return new BigDecimal(decimal).movePointRight(exponent).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      return -1;
    }
  }

  /** Minor units as a decimal string with {@code exponent} decimals. */
  public static String decimal(long minor, int exponent) {
    return BigDecimal.valueOf(minor, exponent).toPlainString();
  }

  /** An ISO-8601 instant at {@code path}, or null. */
  public static Instant instant(JsonNode node, String path) {
    String t = text(node, path);
    if (t == null) {
      return null;
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}

package io.squadron.rpc.internal.http;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A path template of a {@code google.api.http} rule, as {@code google/api/http.proto} defines it:
 *
 * <pre>
 * Template = "/" Segments [ Verb ] ;
 * Segments = Segment { "/" Segment } ;
 * Segment  = "*" | "**" | LITERAL | Variable ;
 * Variable = "{" FieldPath [ "=" Segments ] "}" ;
 * FieldPath = IDENT { "." IDENT } ;
 * Verb     = ":" LITERAL ;
 * </pre>
 *
 * <p>{@code **} may only end the path (before the verb). A variable of one segment ({@code {id}},
 * {@code {id=*}}) is percent-decoded completely; a variable of several segments keeps {@code %2F}
 * encoded, so a slash inside a value is told apart from the separators (the rule's "reverse
 * decoding").
 */
final class PathTemplate {
  private static final Pattern FIELD_PATH =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

  /** One segment of the template. */
  enum Kind {
    LITERAL,
    ONE,
    ANY
  }

  private record Segment(Kind kind, String literal) {}

  /**
   * A variable bound to the segments {@code [start, end)}; {@code end == -1} runs to the end of the
   * path.
   */
  record Variable(String fieldPath, int start, int end) {}

  private final String text;
  private final List<Segment> segments;
  private final List<Variable> variables;
  private final Optional<String> verb;

  private PathTemplate(
      String text, List<Segment> segments, List<Variable> variables, Optional<String> verb) {
    this.text = text;
    this.segments = List.copyOf(segments);
    this.variables = List.copyOf(variables);
    this.verb = verb;
  }

  /**
   * Parses {@code template}.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  static PathTemplate parse(String template) {
    requireNonNull(template, "template");
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException(
          "path template '" + template + "' (expected: to start with '/')");
    }
    String path = template.substring(1);
    Optional<String> verb = Optional.empty();
    int lastSlash = path.lastIndexOf('/');
    int lastBrace = path.lastIndexOf('}');
    int colon = path.lastIndexOf(':');
    if (colon > lastSlash && colon > lastBrace) {
      verb = Optional.of(path.substring(colon + 1));
      requireLiteral(template, verb.get());
      path = path.substring(0, colon);
    }
    List<Segment> segments = new ArrayList<>();
    List<Variable> variables = new ArrayList<>();
    int i = 0;
    while (i <= path.length()) {
      if (i < path.length() && path.charAt(i) == '{') {
        int close = path.indexOf('}', i);
        if (close < 0) {
          throw new IllegalArgumentException(
              "path template '" + template + "' (expected: '}' closing '{')");
        }
        String inner = path.substring(i + 1, close);
        int eq = inner.indexOf('=');
        String field = eq < 0 ? inner : inner.substring(0, eq);
        if (!FIELD_PATH.matcher(field).matches()) {
          throw new IllegalArgumentException(
              "path template '"
                  + template
                  + "': variable '"
                  + field
                  + "' (expected: a field path such as session_id or session.id)");
        }
        int start = segments.size();
        String sub = eq < 0 ? "*" : inner.substring(eq + 1);
        for (String part : sub.split("/", -1)) {
          if (part.indexOf('{') >= 0) {
            throw new IllegalArgumentException(
                "path template '" + template + "': nested variables");
          }
          segments.add(segment(template, part));
        }
        boolean open = segments.get(segments.size() - 1).kind() == Kind.ANY;
        variables.add(new Variable(field, start, open ? -1 : segments.size()));
        i = close + 1;
        if (i < path.length() && path.charAt(i) != '/') {
          throw new IllegalArgumentException(
              "path template '" + template + "' (expected: '/' after a variable)");
        }
        i++;
      } else {
        int slash = path.indexOf('/', i);
        int end = slash < 0 ? path.length() : slash;
        segments.add(segment(template, path.substring(i, end)));
        i = end + 1;
      }
    }
    for (int s = 0; s < segments.size() - 1; s++) {
      if (segments.get(s).kind() == Kind.ANY) {
        throw new IllegalArgumentException(
            "path template '" + template + "' (expected: '**' only at the end)");
      }
    }
    List<String> fields = variables.stream().map(Variable::fieldPath).toList();
    if (fields.size() != fields.stream().distinct().count()) {
      throw new IllegalArgumentException("path template '" + template + "' binds a field twice");
    }
    return new PathTemplate(template, segments, variables, verb);
  }

  private static Segment segment(String template, String part) {
    return switch (part) {
      case "*" -> new Segment(Kind.ONE, null);
      case "**" -> new Segment(Kind.ANY, null);
      default -> {
        requireLiteral(template, part);
        yield new Segment(Kind.LITERAL, part);
      }
    };
  }

  private static void requireLiteral(String template, String literal) {
    if (literal.isEmpty()
        || literal.chars().anyMatch(c -> "{}*=/:?#".indexOf(c) >= 0 || c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException(
          "path template '"
              + template
              + "': segment '"
              + literal
              + "' (expected: a non-empty literal, '*', '**' or a {variable})");
    }
  }

  /** The template as written. */
  String text() {
    return text;
  }

  /** The field paths this template binds. */
  List<String> fieldPaths() {
    return variables.stream().map(Variable::fieldPath).toList();
  }

  /**
   * The variables' values when {@code rawPath} (the request path as sent, still percent-encoded,
   * without the query) matches this template; empty when it does not.
   */
  Optional<Map<String, String>> match(String rawPath) {
    if (!rawPath.startsWith("/")) {
      return Optional.empty();
    }
    String path = rawPath.substring(1);
    if (verb.isPresent()) {
      String suffix = ":" + verb.get();
      if (!path.endsWith(suffix)) {
        return Optional.empty();
      }
      path = path.substring(0, path.length() - suffix.length());
    }
    String[] raw = path.split("/", -1);
    boolean open = !segments.isEmpty() && segments.get(segments.size() - 1).kind() == Kind.ANY;
    if (open ? raw.length < segments.size() - 1 : raw.length != segments.size()) {
      return Optional.empty();
    }
    for (int s = 0; s < segments.size(); s++) {
      Segment segment = segments.get(s);
      if (segment.kind() == Kind.ANY) {
        break;
      }
      if (raw[s].isEmpty()) {
        return Optional.empty();
      }
      if (segment.kind() == Kind.LITERAL) {
        Optional<String> decoded = decode(raw[s], false);
        if (decoded.isEmpty() || !decoded.get().equals(segment.literal())) {
          return Optional.empty();
        }
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Variable v : variables) {
      int end = v.end() < 0 ? raw.length : v.end();
      if (v.end() < 0) {
        for (int s = v.start(); s < end; s++) {
          if (raw[s].isEmpty()) {
            return Optional.empty();
          }
        }
      }
      boolean single = v.end() >= 0 && end - v.start() == 1;
      Optional<String> value =
          decode(String.join("/", java.util.Arrays.asList(raw).subList(v.start(), end)), !single);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      values.put(v.fieldPath(), value.get());
    }
    return Optional.of(values);
  }

  /**
   * How specific this template is, for ordering: a template without {@code **} before one with it,
   * more literal segments first, a verb before none. Lower sorts first.
   */
  int[] rank() {
    int literals = 0;
    boolean any = false;
    for (Segment s : segments) {
      literals += s.kind() == Kind.LITERAL ? 1 : 0;
      any |= s.kind() == Kind.ANY;
    }
    return new int[] {any ? 1 : 0, -literals, verb.isPresent() ? 0 : 1, -segments.size()};
  }

  /**
   * The shape of the template with variable names erased: two bindings with the same shape and
   * method collide.
   */
  String shape() {
    StringBuilder b = new StringBuilder();
    for (Segment s : segments) {
      b.append('/')
          .append(
              switch (s.kind()) {
                case LITERAL -> s.literal();
                case ONE -> "*";
                case ANY -> "**";
              });
    }
    verb.ifPresent(v -> b.append(':').append(v));
    return b.toString();
  }

  /**
   * Percent-decodes UTF-8; keeps {@code %2F} encoded when {@code keepSlashes}; empty for a
   * malformed escape.
   */
  static Optional<String> decode(String raw, boolean keepSlashes) {
    if (raw.indexOf('%') < 0) {
      return Optional.of(raw);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        byte[] plain = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(plain, 0, plain.length);
        continue;
      }
      if (i + 2 >= raw.length()) {
        return Optional.empty();
      }
      int hi = Character.digit(raw.charAt(i + 1), 16);
      int lo = Character.digit(raw.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return Optional.empty();
      }
      int b = (hi << 4) | lo;
      if (keepSlashes && b == '/') {
        bytes.write('%');
        bytes.write(raw.charAt(i + 1));
        bytes.write(raw.charAt(i + 2));
      } else {
        bytes.write(b);
      }
      i += 2;
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return text;
  }
}

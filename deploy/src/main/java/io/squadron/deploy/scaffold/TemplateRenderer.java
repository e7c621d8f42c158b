package io.squadron.deploy.scaffold;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately small template language (a subset of Mustache): {@code {{name}}} is replaced by a
 * variable, {@code {{#flag}}...{{/flag}}} is kept only when the flag is set, {@code
 * {{^flag}}...{{/flag}}} only when it is not. A line holding nothing but a section tag disappears
 * entirely, so templates read like the files they make. An unknown variable or an unclosed section
 * is an error: a template never renders half-filled.
 */
final class TemplateRenderer {
  private static final Pattern TAG = Pattern.compile("\\{\\{([#^/]?)([A-Za-z_][A-Za-z0-9_]*)}}");
  private static final Pattern SECTION_LINE =
      Pattern.compile("(?m)^[ \\t]*\\{\\{[#^/][A-Za-z_][A-Za-z0-9_]*}}[ \\t]*\\n");

  private final Map<String, String> variables;
  private final Set<String> flags;

  TemplateRenderer(Map<String, String> variables, Set<String> flags) {
    this.variables = Map.copyOf(requireNonNull(variables, "variables"));
    this.flags = Set.copyOf(requireNonNull(flags, "flags"));
  }

  /**
   * Renders {@code template}; {@code where} names it in errors.
   *
   * @throws IllegalArgumentException for an unknown variable or unbalanced sections
   */
  String render(String template, String where) {
    String text = standaloneSectionTagsOnOwnLine(template);
    StringBuilder out = new StringBuilder(text.length());
    Deque<String> open = new ArrayDeque<>();
    Deque<Boolean> keep = new ArrayDeque<>();
    keep.push(true);
    Matcher m = TAG.matcher(text);
    int last = 0;
    while (m.find()) {
      if (keep.peek()) {
        out.append(text, last, m.start());
      }
      last = m.end();
      String kind = m.group(1);
      String name = m.group(2);
      switch (kind) {
        case "#", "^" -> {
          open.push(name);
          keep.push(keep.peek() && (kind.equals("#") == flags.contains(name)));
        }
        case "/" -> {
          if (open.isEmpty() || !open.peek().equals(name)) {
            throw new IllegalArgumentException(where + ": {{/" + name + "}} closes nothing open");
          }
          open.pop();
          keep.pop();
        }
        default -> {
          String value = variables.get(name);
          if (value == null) {
            throw new IllegalArgumentException(where + ": unknown variable {{" + name + "}}");
          }
          if (keep.peek()) {
            out.append(value);
          }
        }
      }
    }
    if (!open.isEmpty()) {
      throw new IllegalArgumentException(where + ": {{" + open.peek() + "}} is never closed");
    }
    out.append(text, last, text.length());
    return out.toString();
  }

  /**
   * Removes the line break after a section tag that stands alone on its line (and the line's
   * indent).
   */
  private static String standaloneSectionTagsOnOwnLine(String template) {
    Matcher m = SECTION_LINE.matcher(template);
    StringBuilder out = new StringBuilder(template.length());
    int last = 0;
    while (m.find()) {
      out.append(template, last, m.start());
      out.append(m.group().strip());
      last = m.end();
    }
    return out.append(template, last, template.length()).toString();
  }
}

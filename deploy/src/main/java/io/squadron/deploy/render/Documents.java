package io.squadron.deploy.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * YAML and JSON text of documents built as ordered maps and lists (keys keep their insertion
 * order), with a header comment naming the generator.
 */
public final class Documents {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());
  private static final ObjectWriter JSON =
      new ObjectMapper()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .writer(
              new DefaultPrettyPrinter(
                      Separators.createDefaultInstance()
                          .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                          .withObjectEmptySeparator("")
                          .withArrayEmptySeparator(""))
                  .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                  .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private Documents() {}

  /** One YAML document, after {@code # comment} lines. */
  public static String yaml(String comment, Object document) {
    return comment(comment) + write(YAML.writer(), document);
  }

  /**
   * Several YAML documents in one stream (separated by {@code ---}), after {@code # comment} lines.
   */
  public static String yamlStream(String comment, List<?> documents) {
    StringBuilder out = new StringBuilder(comment(comment));
    String sep = "";
    for (Object d : documents) {
      out.append(sep).append(write(YAML.writer(), d));
      sep = "---\n";
    }
    return out.toString();
  }

  /** Pretty JSON (two-space indent), ending with a newline. */
  public static String json(Object document) {
    return write(JSON, document) + "\n";
  }

  /** An ordered map from alternating keys and values: {@code map("a", 1, "b", 2)}. */
  public static Map<String, Object> map(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "keysAndValues: " + keysAndValues.length + " items (expected: pairs)");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static String comment(String comment) {
    StringBuilder out = new StringBuilder();
    for (String line : comment.split("\n")) {
      out.append("# ").append(line).append('\n');
    }
    return out.toString();
  }

  private static String write(ObjectWriter writer, Object document) {
    try {
      return writer.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot render a generated document", e);
    }
  }
}

package io.squadron.store.cassandra;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One versioned CQL file, {@code V<n>__<description>.cql}: its version, description, checksum and
 * statements.
 *
 * @param version the version, {@code >= 1}
 * @param description the description (underscores in the file name read as spaces)
 * @param fileName the file name, for messages
 * @param checksum SHA-256 of the text with line endings normalized to {@code \n}, in hex
 * @param statements the statements, comments removed, without the {@code ;}
 */
record CqlScript(
    int version, String description, String fileName, String checksum, List<String> statements) {
  /** The name of a versioned CQL file. */
  static final Pattern FILE_NAME = Pattern.compile("V([1-9][0-9]{0,8})__([A-Za-z0-9_-]+)\\.cql");

  CqlScript {
    requireNonNull(description, "description");
    requireNonNull(fileName, "fileName");
    requireNonNull(checksum, "checksum");
    statements = List.copyOf(statements);
  }

  /**
   * Parses the file {@code fileName} with {@code text}.
   *
   * @throws IllegalArgumentException when the name does not follow {@code V<n>__<description>.cql},
   *     or the text has no statement or an unterminated string or comment
   */
  static CqlScript parse(String fileName, String text) {
    Matcher m = FILE_NAME.matcher(fileName);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          fileName
              + ": not a versioned CQL file name (expected: V<n>__<description>.cql, e.g. V1__create_users.cql)");
    }
    String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
    List<String> statements;
    try {
      statements = split(normalized);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(fileName + ": " + e.getMessage(), e);
    }
    if (statements.isEmpty()) {
      throw new IllegalArgumentException(fileName + ": no statement");
    }
    return new CqlScript(
        Integer.parseInt(m.group(1)),
        m.group(2).replace('_', ' '),
        fileName,
        sha256(normalized),
        statements);
  }

  /**
   * Splits CQL text into statements at each {@code ;} outside strings ({@code '...'} with {@code
   * ''} inside), quoted names ({@code "..."}), {@code $$...$$} bodies and comments ({@code --} and
   * {@code //} to the end of the line, {@code /* ... *}{@code /}). Comments are dropped; empty
   * statements are skipped.
   */
  static List<String> split(String text) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      char next = i + 1 < n ? text.charAt(i + 1) : '\0';
      if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? n : end;
        current.append(' ');
      } else if (c == '/' && next == '*') {
        int end = text.indexOf("*/", i + 2);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated /* comment at offset " + i);
        }
        i = end + 2;
        current.append(' ');
      } else if (c == '\'' || c == '"') {
        int end = i + 1;
        while (true) {
          end = text.indexOf(c, end);
          if (end < 0) {
            throw new IllegalArgumentException("unterminated " + c + " at offset " + i);
          }
          if (end + 1 < n && text.charAt(end + 1) == c) {
            end += 2; // a doubled quote stands for one
          } else {
            break;
          }
        }
        current.append(text, i, end + 1);
        i = end + 1;
      } else if (c == '$' && next == '$') {
        int end = text.indexOf("$$", i + 2);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated $$ at offset " + i);
        }
        current.append(text, i, end + 2);
        i = end + 2;
      } else if (c == ';') {
        add(statements, current);
        i++;
      } else {
        current.append(c);
        i++;
      }
    }
    add(statements, current);
    return statements;
  }

  private static void add(List<String> statements, StringBuilder current) {
    String statement = current.toString().strip();
    if (!statement.isEmpty()) {
      statements.add(statement);
    }
    current.setLength(0);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JDK", e);
    }
  }
}

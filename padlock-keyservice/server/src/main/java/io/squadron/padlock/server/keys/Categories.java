package io.squadron.padlock.server.keys;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The data categories keys exist for, each with its current key version. Versions 1..current of a
 * category are valid: new data is encrypted under the current one, older ciphertexts still name
 * theirs.
 */
public final class Categories {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  private final Map<String, Integer> current;

  private Categories(Map<String, Integer> current) {
    this.current = current;
  }

  /**
   * Categories from (name -> current version).
   *
   * @throws IllegalArgumentException when a name is not {@value #NAME_RULE} or a version is below 1
   */
  public static Categories of(Map<String, Integer> currentVersions) {
    requireNonNull(currentVersions, "currentVersions");
    if (currentVersions.isEmpty()) {
      throw new IllegalArgumentException("categories: empty (expected: at least one)");
    }
    Map<String, Integer> copy = new TreeMap<>();
    currentVersions.forEach(
        (name, version) -> {
          if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                "category '" + name + "' (expected: " + NAME_RULE + ")");
          }
          if (version == null || version < 1) {
            throw new IllegalArgumentException(
                "category " + name + ": version " + version + " (expected: >= 1)");
          }
          copy.put(name, version);
        });
    return new Categories(Map.copyOf(copy));
  }

  /** The rule category names follow. */
  public static final String NAME_RULE =
      "lower-case letters, digits, '_' or '-', starting with a letter, 1..32";

  /** The current version of {@code category}, or empty when it is not configured. */
  public OptionalInt currentVersion(String category) {
    Integer version = current.get(category);
    return version == null ? OptionalInt.empty() : OptionalInt.of(version);
  }

  /** Whether {@code category} is configured. */
  public boolean contains(String category) {
    return current.containsKey(category);
  }

  /** The configured categories and their current versions. */
  public Map<String, Integer> currentVersions() {
    return current;
  }

  @Override
  public String toString() {
    return new TreeMap<>(current).toString();
  }
}

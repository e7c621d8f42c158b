package io.squadron.padlock.client;

import static java.util.Objects.requireNonNull;

/**
 * Where an encrypted value lives, and which category of key protects it. Declare one per encrypted
 * column: {@code static final Field EMAIL = Field.of("users", "email", "account");}
 *
 * @param table the table (or collection, topic, ...)
 * @param column the column (or attribute)
 * @param category the Padlock category of the data
 */
public record Field(String table, String column, String category) {
  public Field {
    requireNonEmpty(table, "table");
    requireNonEmpty(column, "column");
    requireNonEmpty(category, "category");
    if (category.length() > FieldCipher.MAX_CATEGORY_LENGTH
        || !category.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new IllegalArgumentException(
          "category: '"
              + category
              + "' (expected: 1.."
              + FieldCipher.MAX_CATEGORY_LENGTH
              + " printable ASCII characters)");
    }
  }

  /** The field {@code table.column} of {@code category}. */
  public static Field of(String table, String column, String category) {
    return new Field(table, column, category);
  }

  private static void requireNonEmpty(String value, String name) {
    requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + ": empty");
    }
  }
}

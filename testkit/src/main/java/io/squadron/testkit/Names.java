package io.squadron.testkit;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Per-class names for databases, keyspaces and key prefixes: unique, readable, valid everywhere.
 */
final class Names {
  private Names() {}

  /**
   * {@code t_<class name, lower case, [a-z0-9_] only, at most 24 chars>_<8 hex digits>}: at most 35
   * chars, valid as a PostgreSQL database name, a Cassandra keyspace name (48 chars max) and a
   * memcached key part.
   */
  static String forClass(Class<?> testClass) {
    String simple =
        testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    if (simple.length() > 24) {
      simple = simple.substring(0, 24);
    }
    return "t_" + simple + "_" + String.format("%08x", ThreadLocalRandom.current().nextInt());
  }
}

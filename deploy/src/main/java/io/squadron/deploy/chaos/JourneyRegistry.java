package io.squadron.deploy.chaos;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The journeys a chaos run can drive, as benchmarks are found: {@code deploy/journeys.properties},
 * one line per journey, {@code name=module:main class}. The main runs as its own JVM from the
 * module's build output with {@code --run-dir DIR --journeys N --duration D}, prints what it does,
 * and ends with a line {@code JOURNEYS key=value ...}.
 */
public final class JourneyRegistry {
  /** The registry's path in the checkout. */
  public static final String FILE = "deploy/journeys.properties";

  /**
   * A registered journey.
   *
   * @param name its name
   * @param module its module directory
   * @param mainClass the class to run
   */
  public record Entry(String name, String module, String mainClass) {}

  private final Map<String, Entry> entries;

  private JourneyRegistry(Map<String, Entry> entries) {
    this.entries = entries;
  }

  /** Reads {@code home/deploy/journeys.properties}. */
  public static JourneyRegistry read(Path home) {
    Path file = requireNonNull(home, "home").resolve(FILE);
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (String name : p.stringPropertyNames().stream().sorted().toList()) {
      String value = p.getProperty(name).trim();
      int colon = value.indexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new IllegalArgumentException(
            file + ": " + name + " = '" + value + "' (expected: module:main.Class)");
      }
      entries.put(name, new Entry(name, value.substring(0, colon), value.substring(colon + 1)));
    }
    return new JourneyRegistry(entries);
  }

  /** The journey named {@code name}. */
  public Entry get(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException(
          "journey: no '" + name + "' in " + FILE + " (journeys: " + entries.keySet() + ")");
    }
    return e;
  }
}

package io.squadron.rpc.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A typed, validating view of one namespace of the configuration ({@code squadron.server}, ...).
 * Every failure is an {@link InvalidConfigException} naming the full key and what was expected.
 */
public final class ConfigReader {
  private final Config config;
  private final String prefix;

  private ConfigReader(Config config, String prefix) {
    this.config = config;
    this.prefix = prefix;
  }

  /**
   * A reader over the namespace at {@code path} of {@code root}; a missing namespace is an error.
   */
  public static ConfigReader at(Config root, String path) {
    if (!root.hasPath(path)) {
      throw new InvalidConfigException(path, "missing (expected: an object)");
    }
    return new ConfigReader(get(() -> root.getConfig(path), path), path);
  }

  /** A reader over the namespace {@code path} below this one. */
  public ConfigReader child(String path) {
    return new ConfigReader(get(() -> config.getConfig(path), key(path)), key(path));
  }

  /**
   * The namespace under the single key {@code key} (which may hold dots or slashes, like a method
   * name), quoted in paths and messages only where HOCON needs it.
   */
  public ConfigReader childKey(String key) {
    return child(com.typesafe.config.ConfigUtil.joinPath(key));
  }

  /** The full key of {@code path} below this namespace, for messages. */
  public String key(String path) {
    return prefix.isEmpty() ? path : prefix + "." + path;
  }

  /** Whether {@code path} is set (and not null). */
  public boolean has(String path) {
    return config.hasPath(path);
  }

  /** The keys directly under this namespace (quoted keys keep their dots and slashes). */
  public Set<String> keys() {
    return config.root().keySet();
  }

  public String string(String path) {
    return get(() -> config.getString(path), key(path));
  }

  public String nonEmptyString(String path) {
    String value = string(path);
    if (value.isBlank()) {
      throw new InvalidConfigException(key(path), "must not be empty");
    }
    return value;
  }

  public Optional<String> optionalString(String path) {
    return has(path) ? Optional.of(string(path)) : Optional.empty();
  }

  public boolean bool(String path) {
    return get(() -> config.getBoolean(path), key(path));
  }

  public List<String> strings(String path) {
    return get(() -> config.getStringList(path), key(path));
  }

  /**
   * The list of objects at {@code path}, each as a reader whose keys read as {@code path[i].key} in
   * messages.
   */
  public List<ConfigReader> objects(String path) {
    List<? extends Config> list = get(() -> config.getConfigList(path), key(path));
    List<ConfigReader> readers = new java.util.ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      readers.add(new ConfigReader(list.get(i), key(path) + "[" + i + "]"));
    }
    return readers;
  }

  public List<Double> doubles(String path) {
    return get(() -> config.getDoubleList(path), key(path));
  }

  public int intInRange(String path, int min, int max) {
    int value = get(() -> config.getInt(path), key(path));
    if (value < min || value > max) {
      throw new InvalidConfigException(key(path), value + " (expected: " + min + ".." + max + ")");
    }
    return value;
  }

  public double doubleInRange(String path, double min, double max) {
    double value = get(() -> config.getDouble(path), key(path));
    if (!(value >= min && value <= max)) {
      throw new InvalidConfigException(key(path), value + " (expected: " + min + ".." + max + ")");
    }
    return value;
  }

  /** A port number; 0 means "any free port". */
  public int port(String path) {
    return intInRange(path, 0, 65_535);
  }

  /** A size such as {@code 4 MiB}, which must be at least {@code min} bytes and fit an int. */
  public int bytes(String path, int min) {
    long value = get(() -> config.getBytes(path), key(path));
    if (value < min || value > Integer.MAX_VALUE) {
      throw new InvalidConfigException(
          key(path), value + " bytes (expected: " + min + ".." + Integer.MAX_VALUE + ")");
    }
    return (int) value;
  }

  /** A duration such as {@code 250ms}, which must not be negative. */
  public Duration duration(String path) {
    Duration value = get(() -> config.getDuration(path), key(path));
    if (value.isNegative()) {
      throw new InvalidConfigException(key(path), value + " (expected: >= 0)");
    }
    return value;
  }

  /** A duration that must be strictly positive. */
  public Duration positiveDuration(String path) {
    Duration value = duration(path);
    if (value.isZero()) {
      throw new InvalidConfigException(key(path), "0 (expected: > 0)");
    }
    return value;
  }

  /**
   * The object at {@code path} as JSON-shaped Java values (maps, lists, strings, booleans, numbers
   * as Double), the form gRPC's service config takes.
   */
  public Map<String, ?> jsonObject(String path) {
    Object value = get(() -> config.getObject(path), key(path)).unwrapped();
    @SuppressWarnings("unchecked")
    Map<String, ?> map = (Map<String, ?>) jsonShaped(value);
    return map;
  }

  private static Object jsonShaped(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), jsonShaped(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> l) {
      return l.stream().map(ConfigReader::jsonShaped).toList();
    }
    return value;
  }

  private static <T> T get(Supplier<T> getter, String key) {
    try {
      return getter.get();
    } catch (ConfigException.Missing e) {
      throw new InvalidConfigException(key, "missing");
    } catch (ConfigException.WrongType e) {
      throw new InvalidConfigException(key, "wrong type: " + e.getMessage());
    } catch (ConfigException.BadValue e) {
      throw new InvalidConfigException(key, "bad value: " + e.getMessage());
    } catch (ConfigException e) {
      throw new InvalidConfigException(key, e.getMessage());
    }
  }
}

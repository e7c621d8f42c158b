package io.squadron.deploy.scaffold;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a squad chose for a new service: its name, its store, the Padlock category it encrypts with,
 * the services it calls and the services that may call it; and the names derived from them for the
 * template.
 *
 * @param name the service name: lower-case letters and digits, words joined by single dashes
 * @param store {@code postgres}, {@code cassandra} or {@code none}
 * @param encryptCategory the Padlock key category of its personal data, if any (then it calls
 *     Padlock)
 * @param calls the services it calls
 * @param callers the services allowed to call it
 */
public record ServiceParams(
    String name,
    String store,
    Optional<String> encryptCategory,
    List<String> calls,
    List<String> callers) {
  /** What a name may look like: 2-30 characters, a letter first, words joined by single dashes. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,29}(-[a-z0-9]+)*");

  private static final Pattern CATEGORY = Pattern.compile("[a-z][a-z0-9-]{0,30}");
  private static final Set<String> RESERVED =
      Set.of(
          "service",
          "squadron",
          "proto",
          "rpc",
          "deploy",
          "testkit",
          "bom",
          "internal",
          "test",
          "java",
          "app");

  public ServiceParams {
    requireNonNull(name, "name");
    requireNonNull(store, "store");
    requireNonNull(encryptCategory, "encryptCategory");
    calls = List.copyOf(calls);
    callers = List.copyOf(callers);
    if (!NAME.matcher(name).matches() || name.length() > 30 || name.endsWith("-service")) {
      throw new IllegalArgumentException(
          "name '"
              + name
              + "': expected lower-case letters and digits, words joined "
              + "by single dashes, 2 to 30 characters, a letter first, without '-service' (the module gets that)");
    }
    if (name.length() < 2 || RESERVED.contains(name)) {
      throw new IllegalArgumentException("name '" + name + "' is reserved or too short");
    }
    if (!List.of("postgres", "cassandra", "none").contains(store)) {
      throw new IllegalArgumentException(
          "--store " + store + ": expected postgres, cassandra or none");
    }
    encryptCategory.ifPresent(
        c -> {
          if (!CATEGORY.matcher(c).matches()) {
            throw new IllegalArgumentException(
                "--encrypt " + c + ": expected a category name such as 'account'");
          }
          if (store.equals("none")) {
            throw new IllegalArgumentException(
                "--encrypt needs a store: there is nothing to encrypt without one");
          }
        });
    for (String s : calls) {
      if (s.equals(name)) {
        throw new IllegalArgumentException("--calls " + s + ": a service does not call itself");
      }
    }
  }

  /** The services it calls, Padlock included when it encrypts. */
  public List<String> allCalls(String padlockService) {
    Set<String> all = new LinkedHashSet<>(calls);
    encryptCategory.ifPresent(c -> all.add(padlockService));
    return new ArrayList<>(all);
  }

  /** {@code playlist-history} -> {@code PlaylistHistory}. */
  public String className() {
    StringBuilder out = new StringBuilder();
    for (String word : name.split("-")) {
      out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return out.toString();
  }

  /** {@code playlist-history} -> {@code playlisthistory}: the Java and proto package segment. */
  public String packageName() {
    return name.replace("-", "");
  }

  /** The template's variables. */
  Map<String, String> variables(int templateVersion, String padlockService) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", name);
    v.put("keyService", padlockService);
    v.put("Name", className());
    v.put("pkg", packageName());
    v.put("name_", name.replace('-', '_'));
    v.put("NAME", name.replace('-', '_').toUpperCase(Locale.ROOT));
    v.put("templateVersion", Integer.toString(templateVersion));
    v.put("storeKind", store);
    v.put(
        "StoreKind",
        store.isEmpty() ? "" : Character.toUpperCase(store.charAt(0)) + store.substring(1));
    v.put("storeList", store.equals("none") ? "" : store);
    v.put("schemaDir", store.equals("postgres") ? "db/" + v.get("name_") : "cql/" + v.get("name_"));
    v.put("category", encryptCategory.orElse(""));
    v.put("textType", encryptCategory.isPresent() ? "byte[]" : "String");
    List<String> all = allCalls(padlockService);
    v.put("callsList", String.join(", ", all));
    v.put("callsCsv", String.join(",", calls));
    v.put("callersList", String.join(", ", callers));
    v.put("callersCsv", String.join(",", callers));
    return v;
  }

  /** The template's flags. */
  Set<String> flags() {
    Set<String> f = new LinkedHashSet<>();
    if (!store.equals("none")) {
      f.add("store");
      f.add(store);
    }
    encryptCategory.ifPresent(c -> f.add("encrypt"));
    return f;
  }

  /** The parameters recorded in a generated module's {@code squadron-template.properties}. */
  static ServiceParams fromRecord(Properties record) {
    return new ServiceParams(
        record.getProperty("name"),
        record.getProperty("store"),
        Optional.ofNullable(record.getProperty("encrypt")).filter(s -> !s.isBlank()),
        csv(record.getProperty("calls")),
        csv(record.getProperty("callers")));
  }

  private static List<String> csv(String value) {
    return value == null || value.isBlank() ? List.of() : List.of(value.split(","));
  }
}

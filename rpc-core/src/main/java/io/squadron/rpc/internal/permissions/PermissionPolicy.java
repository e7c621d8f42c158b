package io.squadron.rpc.internal.permissions;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.grpc.MethodDescriptor;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.identity.Caller;
import io.squadron.rpc.security.SpiffeId;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * Who may call what; immutable. Entries are keyed by a service ({@code
 * squadron.shuffle.v1.ShuffleService}: all its methods) or a method ({@code
 * squadron.shuffle.v1.ShuffleService/Shuffle}) and list the callers allowed: service names, {@code
 * app:<name>}, {@code app:*} for every client app with a valid token, or {@code service:*} for
 * every service identified by its certificate (for a method whose answer depends on who asks, such
 * as a key derived for the caller). Entries add up: a caller listed for the service or for the
 * method may call the method. A method no entry covers denies everyone.
 *
 * <p>{@code app:*} may be granted per method only, never to a whole service: an app token names an
 * app, not an end user, and can be pulled out of an app binary, so a method added to a service
 * later must never be open to every app by accident ({@link #anyAppServiceWideProblem}).
 *
 * <pre>
 * policy {
 *   "squadron.shuffle.v1.ShuffleService" = [checkout]
 *   "squadron.shuffle.v1.ShuffleService/Shuffle" = [billing, "app:*"]
 * }
 * </pre>
 */
public final class PermissionPolicy {
  /** The caller pattern admitting every client app. */
  public static final String ANY_APP = "app:*";

  /** The caller pattern admitting every service (never an app). */
  public static final String ANY_SERVICE = "service:*";

  private static final PermissionPolicy DENY_ALL = new PermissionPolicy(Map.of());
  private static final Pattern SERVICE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

  private final Map<String, Set<String>> entries;
  private final ConcurrentMap<String, Rule> rules = new ConcurrentHashMap<>();

  private PermissionPolicy(Map<String, Set<String>> entries) {
    this.entries = entries;
  }

  /** Nobody may call anything. */
  public static PermissionPolicy denyAll() {
    return DENY_ALL;
  }

  /** A policy of {@code entries}: service or method name to the callers allowed. */
  public static PermissionPolicy of(Map<String, ? extends Collection<String>> entries) {
    requireNonNull(entries, "entries");
    Map<String, Set<String>> copy = new LinkedHashMap<>();
    entries.forEach(
        (target, callers) -> {
          validateTarget(target);
          requireNonNull(callers, "callers of " + target);
          for (String caller : callers) {
            validateCaller(target, caller);
          }
          copy.put(target, Set.copyOf(callers));
        });
    return new PermissionPolicy(Map.copyOf(copy));
  }

  /**
   * Reads a policy object ({@code squadron.permissions.policy}); {@code key} is its full path, for
   * error messages.
   *
   * @throws InvalidConfigException naming the bad entry
   */
  public static PermissionPolicy fromConfig(ConfigObject policy, String key) {
    requireNonNull(policy, "policy");
    Map<String, List<String>> entries = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> entry : policy.entrySet()) {
      String entryKey = key + ".\"" + entry.getKey() + "\"";
      ConfigValue value = entry.getValue();
      if (value.valueType() != ConfigValueType.LIST) {
        throw new InvalidConfigException(
            entryKey,
            "wrong type "
                + value.valueType()
                + " (expected: a list of callers: service names, \"app:<name>\" or \"app:*\")");
      }
      List<String> callers = new java.util.ArrayList<>();
      for (Object caller : (List<?>) value.unwrapped()) {
        callers.add(String.valueOf(caller));
      }
      entries.put(entry.getKey(), callers);
    }
    try {
      return of(entries);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(key, e.getMessage());
    }
  }

  /** Whether {@code caller} may call {@code method}. */
  public boolean allows(MethodDescriptor<?, ?> method, Caller caller) {
    String fullName = method.getFullMethodName();
    Rule rule = rules.get(fullName);
    if (rule == null) {
      rule = rules.computeIfAbsent(fullName, n -> compile(n, method.getServiceName()));
    }
    return rule.allows(caller.name());
  }

  /** The entries, for an admin view: target to callers. */
  public Map<String, Set<String>> entries() {
    return entries;
  }

  private Rule compile(String fullMethodName, String serviceName) {
    Set<String> callers = new HashSet<>();
    callers.addAll(entries.getOrDefault(fullMethodName, Set.of()));
    if (serviceName != null) {
      callers.addAll(entries.getOrDefault(serviceName, Set.of()));
    }
    boolean anyApp = callers.remove(ANY_APP);
    boolean anyService = callers.remove(ANY_SERVICE);
    return new Rule(Set.copyOf(callers), anyApp, anyService);
  }

  private static void validateTarget(String target) {
    requireNonNull(target, "target");
    int slash = target.indexOf('/');
    String service = slash < 0 ? target : target.substring(0, slash);
    boolean ok =
        SERVICE.matcher(service).matches()
            && (slash < 0 || (slash < target.length() - 1 && target.indexOf('/', slash + 1) < 0));
    if (!ok) {
      throw new IllegalArgumentException(
          "'" + target + "' (expected: package.Service or package.Service/Method)");
    }
  }

  private static void validateCaller(String target, String caller) {
    if (!(ANY_APP.equals(caller) || ANY_SERVICE.equals(caller) || SpiffeId.isValidCaller(caller))) {
      throw new IllegalArgumentException(
          "'"
              + target
              + "' lists caller '"
              + caller
              + "' (expected: a service name, \"app:<name>\", \"app:*\" or \"service:*\")");
    }
    String problem = anyAppServiceWideProblem(target, caller);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /**
   * Why granting {@code caller} on {@code target} is refused because it opens a whole service to
   * every client app, or null when it is not such a grant. The one rule the policy loader and the
   * descriptor both apply.
   */
  public static String anyAppServiceWideProblem(String target, String caller) {
    if (!ANY_APP.equals(caller) || target == null || target.indexOf('/') >= 0) {
      return null;
    }
    return "'"
        + target
        + "' grants \"app:*\" to the whole service (expected: \"app:*\" per method, e.g. \""
        + target
        + "/Method\" = [\"app:*\"]: an app token can be pulled out of an app binary, so a method added "
        + "later must never be open to every app by accident)";
  }

  @Override
  public String toString() {
    return "PermissionPolicy" + entries;
  }

  private record Rule(Set<String> callers, boolean anyApp, boolean anyService) {
    boolean allows(String caller) {
      if (callers.contains(caller)) {
        return true;
      }
      boolean app = caller.startsWith("app:");
      return app
          ? anyApp
          : anyService
              && !caller.equals(Caller.UNKNOWN.name())
              && SpiffeId.isValidServiceName(caller);
    }
  }
}

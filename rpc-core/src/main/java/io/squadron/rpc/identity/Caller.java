package io.squadron.rpc.identity;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;

/**
 * The identity of a caller: a service ({@code checkout}, from its certificate) or a client app
 * ({@code app:ios}, from its token). The name is safe to use as a metric label and in error
 * messages: it is never a secret.
 *
 * @param name the identity as written in permission policies: a service name or {@code app:<name>}
 */
public record Caller(String name) {
  /**
   * The caller of a call that passed no identity stage (only possible when no identity stage is
   * configured).
   */
  public static final Caller UNKNOWN = new Caller("unknown");

  private static final Context.Key<Caller> KEY = Context.keyWithDefault("squadron-caller", UNKNOWN);

  public Caller {
    requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name: empty (expected: a service name or app:<name>)");
    }
  }

  /** A client app's identity, {@code app:<appName>}. */
  public static Caller app(String appName) {
    return new Caller("app:" + appName);
  }

  /** Whether this is a client app rather than a service. */
  public boolean isApp() {
    return name.startsWith("app:");
  }

  /** The caller of the call being handled on this thread, or {@link #UNKNOWN}. */
  public static Caller current() {
    return KEY.get();
  }

  /** The context key under which the identity stage stores the caller. */
  public static Context.Key<Caller> contextKey() {
    return KEY;
  }

  @Override
  public String toString() {
    return name;
  }
}

package io.squadron.providers.sim.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One endpoint of a provider: method, path template below the provider's base URL ({@code
 * /v1/charges/{id}}, {@code /v1/charges/{id}:refund}), whether it changes state (then it requires
 * an {@code Idempotency-Key}) and its handler.
 */
public final class Route {
  private static final Pattern PARAM = Pattern.compile("\\{([a-zA-Z_][a-zA-Z0-9_]*)}");

  private final String method;
  private final String template;
  private final boolean mutating;
  private final Handler handler;
  private final Pattern pattern;
  private final List<String> names = new ArrayList<>();

  Route(String method, String template, boolean mutating, Handler handler) {
    this.method = method;
    this.template = template;
    this.mutating = mutating;
    this.handler = handler;
    StringBuilder regex = new StringBuilder();
    Matcher m = PARAM.matcher(template);
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/:]+)");
      names.add(m.group(1));
      last = m.end();
    }
    regex.append(Pattern.quote(template.substring(last)));
    this.pattern = Pattern.compile(regex.toString());
  }

  /** The HTTP method. */
  public String method() {
    return method;
  }

  /** The path template. */
  public String template() {
    return template;
  }

  /** Whether the route changes state (and so requires an {@code Idempotency-Key}). */
  public boolean mutating() {
    return mutating;
  }

  /** The handler. */
  public Handler handler() {
    return handler;
  }

  /** The path parameters if {@code path} matches the template, else null. */
  public Map<String, String> match(String path) {
    Matcher m = pattern.matcher(path);
    if (!m.matches()) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      // Percent-decoding of a path segment: '+' stays '+' (URLDecoder alone is for form bodies).
      String raw = m.group(i + 1).replace("+", "%2B");
      params.put(
          names.get(i), java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8));
    }
    return params;
  }
}

package io.squadron.providers.sim.provider;

import java.util.ArrayList;
import java.util.List;

/** The routes of one provider, declared by {@link Provider#routes(Routes)}. */
public final class Routes {
  private final List<Route> routes = new ArrayList<>();

  /** A read. */
  public Routes get(String template, Handler handler) {
    routes.add(new Route("GET", template, false, handler));
    return this;
  }

  /** A state-changing POST (requires an Idempotency-Key). */
  public Routes post(String template, Handler handler) {
    routes.add(new Route("POST", template, true, handler));
    return this;
  }

  /** A POST that only reads (an inquiry): no Idempotency-Key needed. */
  public Routes postRead(String template, Handler handler) {
    routes.add(new Route("POST", template, false, handler));
    return this;
  }

  /** A state-changing PUT (requires an Idempotency-Key). */
  public Routes put(String template, Handler handler) {
    routes.add(new Route("PUT", template, true, handler));
    return this;
  }

  /** The declared routes. */
  public List<Route> list() {
    return List.copyOf(routes);
  }
}

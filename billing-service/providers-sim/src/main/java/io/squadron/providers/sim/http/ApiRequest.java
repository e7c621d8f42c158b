package io.squadron.providers.sim.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A request to a provider's API after routing: the method and the path below the provider's base
 * URL, the path parameters of the matched route, the query parameters, the raw and parsed body, and
 * the headers a handler may need.
 *
 * @param method HTTP method
 * @param path path below the provider's base URL, e.g. {@code /v1/payment_intents/pi_123}
 * @param params path parameters of the matched route
 * @param query query parameters (first value of each)
 * @param rawBody the body as received
 * @param body the body parsed as a JSON object (empty when the body was empty)
 * @param idempotencyKey the {@code Idempotency-Key} header, or null
 */
public record ApiRequest(
    String method,
    String path,
    Map<String, String> params,
    Map<String, String> query,
    byte[] rawBody,
    ObjectNode body,
    String idempotencyKey) {

  /** The path parameter {@code name} (the route guarantees it exists). */
  public String param(String name) {
    return params.get(name);
  }
}

package io.squadron.providers.sim.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A provider's answer: an HTTP status and a JSON body.
 *
 * @param status HTTP status
 * @param body JSON body
 */
public record ApiResponse(int status, JsonNode body) {
  /** 200 with {@code body}. */
  public static ApiResponse ok(JsonNode body) {
    return new ApiResponse(200, body);
  }

  /** 201 with {@code body}. */
  public static ApiResponse created(JsonNode body) {
    return new ApiResponse(201, body);
  }
}

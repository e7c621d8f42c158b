package io.squadron.providers.sim.provider;

import io.squadron.providers.sim.http.ApiRequest;
import io.squadron.providers.sim.http.ApiResponse;

/** Handles one route of a provider's API, inside the provider's lock and transaction. */
@FunctionalInterface
public interface Handler {
  /**
   * Answers the request; throws {@link io.squadron.providers.sim.http.ApiError} (before changing
   * anything) to refuse it.
   */
  ApiResponse handle(Ctx ctx, ApiRequest request);
}

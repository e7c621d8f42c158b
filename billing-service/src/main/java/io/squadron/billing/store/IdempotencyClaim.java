package io.squadron.billing.store;

import java.time.Duration;
import java.util.Optional;

/** What claiming an idempotency key found. */
public sealed interface IdempotencyClaim {
  /** The key is new (or its previous use expired): this request executes. */
  record Execute() implements IdempotencyClaim {}

  /**
   * The request that held the key died (its lease ran out): this request takes over and continues
   * what it started.
   *
   * @param paymentId the payment the first request created or worked on, if it got that far
   */
  record TakeOver(Optional<String> paymentId) implements IdempotencyClaim {}

  /**
   * The first request finished: replay its response.
   *
   * @param response a response message's bytes, or a {@code google.rpc.Status}'s when {@code error}
   * @param error whether the response is an error
   */
  record Replay(byte[] response, boolean error) implements IdempotencyClaim {}

  /**
   * Another request with this key is executing now.
   *
   * @param retryAfter when it should have finished (or its lease run out)
   */
  record InUse(Duration retryAfter) implements IdempotencyClaim {}

  /** The key was used for a request with other parameters (or another operation). */
  record Reused() implements IdempotencyClaim {}
}

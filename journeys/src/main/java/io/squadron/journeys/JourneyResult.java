package io.squadron.journeys;

import java.util.List;

/**
 * One journey's outcome.
 *
 * @param id the journey's number in the run
 * @param kind how it paid ({@code card-3ds} or {@code sepa})
 * @param ok whether every step succeeded
 * @param failedStep the step that failed, empty when ok
 * @param error why it failed (a gRPC code and reason, or the check that did not hold), empty when
 *     ok
 * @param steps every step attempted, in order
 * @param millis the journey's duration
 * @param sessionId checkout's session, when one was created
 * @param paymentId billing's payment, when one was started
 * @param startedAtMillis when it started, since the run started
 */
record JourneyResult(
    int id,
    String kind,
    boolean ok,
    String failedStep,
    String error,
    List<StepResult> steps,
    long millis,
    String sessionId,
    String paymentId,
    long startedAtMillis) {

  /**
   * One step.
   *
   * @param name the step
   * @param millis how long it took, retries and waits included
   * @param retries how many times it was retried after a transient failure
   * @param ok whether it succeeded
   * @param firstFailure the first failure's gRPC code (and reason), empty when it had none
   * @param firstFailureMillis how long that attempt took to fail
   */
  record StepResult(
      String name,
      long millis,
      int retries,
      boolean ok,
      String firstFailure,
      long firstFailureMillis) {}
}

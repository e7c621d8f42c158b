package io.squadron.rpc.internal.metrics;

import io.grpc.Context;
import io.squadron.rpc.identity.Caller;

/**
 * Where the identity stage leaves the caller for the metrics stage, which runs before it
 * (outermost) and records the call when it closes. One slot per call, written at most once, read
 * when the call finishes.
 */
public final class CallerSlot {
  static final Context.Key<CallerSlot> KEY = Context.key("squadron-caller-slot");

  private volatile Caller caller = Caller.UNKNOWN;

  CallerSlot() {}

  /**
   * Records {@code caller} for the call being started on this thread, if the metrics stage runs in
   * front.
   */
  public static void record(Caller caller) {
    CallerSlot slot = KEY.get();
    if (slot != null) {
      slot.caller = caller;
    }
  }

  Caller caller() {
    return caller;
  }
}

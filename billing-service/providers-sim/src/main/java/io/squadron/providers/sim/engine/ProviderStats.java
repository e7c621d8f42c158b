package io.squadron.providers.sim.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.http.Json;
import java.util.concurrent.atomic.AtomicLong;

/** Request counters of one provider, for {@code GET /_control/stats}. */
final class ProviderStats {
  final AtomicLong requests = new AtomicLong();
  final AtomicLong succeeded = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong replays = new AtomicLong();
  final AtomicLong injectedErrors = new AtomicLong();
  final AtomicLong injectedTimeouts = new AtomicLong();
  final AtomicLong committedTimeouts = new AtomicLong();
  final AtomicLong declines = new AtomicLong();

  ObjectNode toJson() {
    return Json.object()
        .put("requests", requests.get())
        .put("answered_2xx", succeeded.get())
        .put("answered_declined", refused.get())
        .put("rejected_4xx", rejected.get())
        .put("idempotent_replays", replays.get())
        .put("injected_errors", injectedErrors.get())
        .put("injected_timeouts", injectedTimeouts.get())
        .put("timeouts_after_commit", committedTimeouts.get())
        .put("injected_declines", declines.get());
  }
}

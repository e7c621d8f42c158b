package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The observed state of one slot, as the supervisor records it for {@code status}, {@code down} and
 * other commands.
 *
 * @param process the slot's current (or last) process
 * @param release the release that process runs
 * @param state what the supervisor last saw
 * @param restarts how many times the supervisor restarted this slot after a crash
 * @param lastExit the exit code of the last process that died unrequested (137 = SIGKILL)
 */
public record InstanceStatus(
    RunningService process,
    String release,
    InstanceState state,
    int restarts,
    Optional<Integer> lastExit) {
  public InstanceStatus {
    requireNonNull(process, "process");
    Releases.requireId(release);
    requireNonNull(state, "state");
    requireNonNull(lastExit, "lastExit");
    if (restarts < 0) {
      throw new IllegalArgumentException("restarts: " + restarts + " (expected: >= 0)");
    }
  }

  /** The slot. */
  public InstanceSlot slot() {
    return process.slot();
  }
}

package io.squadron.userdb.store;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * A create that has begun and not yet finished: the names it claims for the new id, and when it
 * (last) started.
 *
 * @param id the new user's id
 * @param canonicalUsername the canonical name it claims
 * @param usernameSkeleton the skeleton it claims
 * @param startedAtMicros when it began, or was retried last, in microseconds since the epoch
 */
public record PendingCreate(
    UUID id, String canonicalUsername, String usernameSkeleton, long startedAtMicros) {
  public PendingCreate {
    requireNonNull(id, "id");
    requireNonNull(canonicalUsername, "canonicalUsername");
    requireNonNull(usernameSkeleton, "usernameSkeleton");
  }

  /** The id and start only: names are personal data. */
  @Override
  public String toString() {
    return "PendingCreate[id=" + id + ", startedAtMicros=" + startedAtMicros + "]";
  }
}

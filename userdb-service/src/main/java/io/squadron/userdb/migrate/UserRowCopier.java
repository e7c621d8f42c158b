package io.squadron.userdb.migrate;

import static java.util.Objects.requireNonNull;

import io.squadron.migration.Backfill;
import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UsernameConflictException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The backfill's view of users: keys are ids in the source's scan order; a copy creates the source's row in the
 * target (idempotent, never over a newer row) or deletes the target's row when the source has none any more.
 */
public final class UserRowCopier implements Backfill.KeySource, Backfill.RowCopier {
  private final UserStore source;
  private final UserStore target;

  /** Copies from {@code source} to {@code target}. */
  public UserRowCopier(UserStore source, UserStore target) {
    this.source = requireNonNull(source, "source");
    this.target = requireNonNull(target, "target");
  }

  @Override
  public List<String> keysAfter(Optional<String> cursor, int limit) {
    return source.scan(cursor.map(UUID::fromString), limit).stream().map(u -> u.id().toString()).toList();
  }

  @Override
  public void copy(String key) {
    UUID id = UUID.fromString(key);
    Optional<StoredUser> row = source.get(id);
    if (row.isEmpty()) {
      target.delete(id);
      return;
    }
    try {
      target.create(row.get());
    } catch (UsernameConflictException e) {
      // Left to verify(): the row stays missing in the target and is counted as a mismatch.
    }
  }

  @Override
  public boolean verify(String key) {
    UUID id = UUID.fromString(key);
    Optional<StoredUser> inSource = source.get(id);
    Optional<StoredUser> inTarget = target.get(id);
    if (!inSource.equals(inTarget)) {
      return false;
    }
    return inSource.isEmpty()
        || target.getByCanonicalUsername(inSource.get().canonicalUsername()).map(StoredUser::id).equals(
            Optional.of(id));
  }
}

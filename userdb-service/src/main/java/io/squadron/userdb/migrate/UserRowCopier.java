package io.squadron.userdb.migrate;

import static java.util.Objects.requireNonNull;

import io.squadron.migration.Backfill;
import io.squadron.migration.Side;
import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UsernameConflictException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The backfill's view of users: keys are ids in either store's scan order; a copy makes the target
 * hold the source's row (creating it with its names, or replacing an older version; never over a
 * newer one) or no row when the source has none any more, which is how the target pass removes rows
 * only the target still has.
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
  public List<String> keysAfter(Side side, Optional<String> cursor, int limit) {
    UserStore store = side == Side.SOURCE ? source : target;
    return store.scan(cursor.map(UUID::fromString), limit).stream()
        .map(u -> u.id().toString())
        .toList();
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
      target.copy(row.get());
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
        || target
            .getByCanonicalUsername(inSource.get().canonicalUsername())
            .map(StoredUser::id)
            .equals(Optional.of(id));
  }
}

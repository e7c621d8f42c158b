package io.squadron.userdb.migrate;

import static java.util.Objects.requireNonNull;

import io.squadron.migration.MigrationRouter;
import io.squadron.migration.Side;
import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UsernameConflictException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link UserStore} over a source (PostgreSQL) and a target (Cassandra) store, routed by the migration's current
 * phase: reads from the primary (dark reads against the secondary), writes to the primary then the secondary. A
 * create the secondary refuses (a race between two instances one phase apart) is undone on the primary, so a name
 * never ends up owned by different users in the two stores.
 */
public final class MigratingUserStore implements UserStore {
  private final UserStore source;
  private final UserStore target;
  private final MigrationRouter router;

  /** Routes between {@code source} and {@code target} with {@code router}. */
  public MigratingUserStore(UserStore source, UserStore target, MigrationRouter router) {
    this.source = requireNonNull(source, "source");
    this.target = requireNonNull(target, "target");
    this.router = requireNonNull(router, "router");
  }

  private UserStore on(Side side) {
    return side == Side.SOURCE ? source : target;
  }

  @Override
  public String name() {
    return "migrating(" + source.name() + "->" + target.name() + ")";
  }

  @Override
  public void create(StoredUser user) throws UsernameConflictException {
    router.<Void, UsernameConflictException>write(user.id().toString(), side -> {
      on(side).create(user);
      return null;
    }, (primary, ignored) -> on(primary).delete(user.id()));
  }

  @Override
  public Optional<StoredUser> get(UUID id) {
    return router.read(id.toString(), side -> on(side).get(id), Optional::equals);
  }

  @Override
  public Optional<StoredUser> getByCanonicalUsername(String canonical) {
    // Mismatches are logged under a fixed label: the name is personal data and must not reach the log.
    return router.read("(by canonical username)", side -> on(side).getByCanonicalUsername(canonical),
        Optional::equals);
  }

  @Override
  public boolean update(StoredUser user) {
    return router.write(user.id().toString(), side -> on(side).update(user));
  }

  @Override
  public boolean delete(UUID id) {
    return router.write(id.toString(), side -> on(side).delete(id));
  }

  @Override
  public List<StoredUser> scan(Optional<UUID> after, int limit) {
    return router.read("scan", side -> on(side).scan(after, limit), (a, b) -> true);
  }

  @Override
  public boolean isReachable() {
    return source.isReachable() && target.isReachable();
  }

  /** Closes neither store: whoever opened them closes them. */
  @Override
  public void close() {}
}

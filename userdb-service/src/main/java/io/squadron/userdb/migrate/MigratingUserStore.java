package io.squadron.userdb.migrate;

import static java.util.Objects.requireNonNull;

import io.squadron.migration.MigrationRouter;
import io.squadron.migration.Phase;
import io.squadron.migration.Side;
import io.squadron.userdb.store.AbandonOutcome;
import io.squadron.userdb.store.CreateAbandonedException;
import io.squadron.userdb.store.PendingCreate;
import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.UpdateOutcome;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UsernameConflictException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link UserStore} over a source (PostgreSQL) and a target (Cassandra) store, routed by the
 * migration's current phase: reads from the primary (dark reads against the secondary), writes to
 * the primary then the secondary. The primary decides: a create the secondary refuses (a race
 * between two instances one phase apart) is undone on the primary, so a name never ends up owned by
 * different users in the two stores; an update the primary applied is mirrored into the secondary,
 * replacing whatever older version it holds. Pending creates live in both stores, and the orphan
 * sweeper settles them in both, whatever the phase.
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
  public void reserve(PendingCreate pending)
      throws UsernameConflictException, CreateAbandonedException {
    try {
      router.<Void, Exception>write(
          pending.id().toString(),
          side -> {
            on(side).reserve(pending);
            return null;
          });
    } catch (UsernameConflictException | CreateAbandonedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public StoredUser create(StoredUser user)
      throws UsernameConflictException, CreateAbandonedException {
    try {
      // Reserve again on each side first: the phase may have changed since this create's reserve(),
      // which then went
      // to the primary only, and a secondary without the reservation refuses the create as
      // abandoned. A reservation
      // of the same id and names is idempotent (and a no-op once the create finished).
      PendingCreate pending =
          new PendingCreate(
              user.id(), user.canonicalUsername(), user.usernameSkeleton(), user.updatedAtMicros());
      return router.<StoredUser, Exception>write(
          user.id().toString(),
          side -> {
            on(side).reserve(pending);
            return on(side).create(user);
          },
          (primary, ignored) -> on(primary).delete(user.id()));
    } catch (UsernameConflictException | CreateAbandonedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Optional<StoredUser> get(UUID id) {
    return router.read(id.toString(), side -> on(side).get(id), Optional::equals);
  }

  @Override
  public Optional<StoredUser> getByCanonicalUsername(String canonical) {
    // Mismatches are logged under a fixed label: the name is personal data and must not reach the
    // log.
    return router.read(
        "(by canonical username)",
        side -> on(side).getByCanonicalUsername(canonical),
        Optional::equals);
  }

  @Override
  public UpdateOutcome update(StoredUser user) {
    Phase phase = router.phase();
    UpdateOutcome[] decided = new UpdateOutcome[1];
    try {
      router.<Void, UsernameConflictException>write(
          user.id().toString(),
          side -> {
            if (decided[0] == null) {
              decided[0] = on(side).update(user); // the primary decides
            } else if (decided[0] == UpdateOutcome.APPLIED
                && on(side).update(user) == UpdateOutcome.CONFLICT) {
              on(side).copy(user); // the secondary diverged (an earlier failed write): it takes the
              // primary's row
            }
            return null;
          });
    } catch (UsernameConflictException e) {
      throw new IllegalStateException(
          "the "
              + phase.secondary().orElse(Side.TARGET)
              + " store holds another user with this name; the backfill reports it",
          e);
    }
    return decided[0];
  }

  @Override
  public boolean delete(UUID id) {
    return router.write(id.toString(), side -> on(side).delete(id));
  }

  @Override
  public void copy(StoredUser user) throws UsernameConflictException {
    router.<Void, UsernameConflictException>write(
        user.id().toString(),
        side -> {
          on(side).copy(user);
          return null;
        });
  }

  @Override
  public List<StoredUser> scan(Optional<UUID> after, int limit) {
    return router.read("scan", side -> on(side).scan(after, limit), (a, b) -> true);
  }

  /** Both stores' pending creates, whatever the phase: a failure may have left one in either. */
  @Override
  public List<PendingCreate> unfinishedCreates(long startedBeforeMicros, int limit) {
    Map<UUID, PendingCreate> both = new LinkedHashMap<>();
    for (UserStore store : List.of(source, target)) {
      for (PendingCreate p : store.unfinishedCreates(startedBeforeMicros, limit)) {
        both.putIfAbsent(p.id(), p);
      }
    }
    return new ArrayList<>(both.values()).subList(0, Math.min(limit, both.size()));
  }

  /**
   * Abandoned only when abandoned in both stores; a create that finished in either keeps its keys.
   */
  @Override
  public AbandonOutcome abandon(PendingCreate pending) {
    AbandonOutcome inSource = source.abandon(pending);
    AbandonOutcome inTarget = target.abandon(pending);
    if (inSource == AbandonOutcome.FINISHED || inTarget == AbandonOutcome.FINISHED) {
      return AbandonOutcome.FINISHED;
    }
    if (inSource == AbandonOutcome.RETRIED || inTarget == AbandonOutcome.RETRIED) {
      return AbandonOutcome.RETRIED;
    }
    return AbandonOutcome.ABANDONED;
  }

  @Override
  public void forget(UUID id) {
    source.forget(id);
    target.forget(id);
  }

  /**
   * Ready when the stores of the current phase answer: the primary, and the secondary in a
   * dual-write phase.
   */
  @Override
  public boolean isReachable() {
    Phase phase = router.phase();
    return on(phase.primary()).isReachable()
        && phase.secondary().map(s -> on(s).isReachable()).orElse(true);
  }

  /** Closes neither store: whoever opened them closes them. */
  @Override
  public void close() {}
}

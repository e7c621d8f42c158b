package io.squadron.userdb.store;

import io.squadron.store.StoreUnavailableException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Accounts in one store. Every implementation passes the same contract suite ({@code
 * UserStoreContract}) against its real database. Failures to reach the store are {@link
 * StoreUnavailableException}.
 *
 * <p>A create runs in two steps so that nothing it leaves behind after a failure is lost track of:
 * {@link #reserve} records the pending create and claims the canonical name and skeleton for the
 * new id (before the caller makes the user's keys), then {@link #create} writes the row and ends
 * the pending create. Both are idempotent for the same id, so a retry with the same id completes a
 * create that failed half way. A pending create nobody finishes is found by {@link
 * #unfinishedCreates}, given up with {@link #abandon} (its names become free) and dropped with
 * {@link #forget} once the caller has shredded its keys.
 *
 * <p>Rows are changed only by compare-and-set on their {@link StoredUser#version() version}; a
 * write that was not applied is never reported as done.
 */
public interface UserStore extends AutoCloseable {
  /** A short name for metrics and logs ({@code postgres}, {@code cassandra}). */
  String name();

  /**
   * Records that {@code pending} begins (or, for a retry, begins again now) and claims its
   * canonical name and skeleton for its id. Idempotent for the same id: names this id holds already
   * stay its own.
   *
   * @throws UsernameConflictException when another user holds (or is creating a user with) the
   *     canonical name or the skeleton; nothing stays claimed for this id then
   * @throws CreateAbandonedException when this id's create was abandoned (or the user deleted)
   *     before
   */
  void reserve(PendingCreate pending) throws UsernameConflictException, CreateAbandonedException;

  /**
   * Writes the row of a new user (version 1) whose names {@link #reserve} claimed, and ends its
   * pending create. When a row with this id exists already (a retry of a create that finished),
   * leaves it as it is and returns it.
   *
   * @return the stored row: {@code user}, or the one that existed
   * @throws UsernameConflictException when the names turn out to belong to another user
   * @throws CreateAbandonedException when this id's create was abandoned meanwhile
   */
  StoredUser create(StoredUser user) throws UsernameConflictException, CreateAbandonedException;

  /** The user with {@code id}. */
  Optional<StoredUser> get(UUID id);

  /** The user whose canonical username is {@code canonical}. */
  Optional<StoredUser> getByCanonicalUsername(String canonical);

  /**
   * Replaces the row of an existing user with {@code user} if the stored row still has version
   * {@code user.version() - 1} (compare-and-set).
   */
  UpdateOutcome update(StoredUser user);

  /**
   * Deletes the user and releases the names held by this id, also those of a create that never
   * finished (a claim without a row): afterwards nothing of the id is left.
   *
   * @return whether a user existed
   */
  boolean delete(UUID id);

  /**
   * Makes this store hold {@code user}, a row copied from the other store of a migration (backfill,
   * dual writes): creates it with its names if missing, replaces an older version, and never
   * overwrites the same or a newer one.
   *
   * @throws UsernameConflictException when another user holds the canonical name or the skeleton
   *     here
   */
  void copy(StoredUser user) throws UsernameConflictException;

  /**
   * Up to {@code limit} users with ids after {@code after} (empty: from the start), in this store's
   * scan order.
   */
  List<StoredUser> scan(Optional<UUID> after, int limit);

  /** Up to {@code limit} pending creates last (re)started before {@code startedBeforeMicros}. */
  List<PendingCreate> unfinishedCreates(long startedBeforeMicros, int limit);

  /**
   * Gives up {@code pending} (as {@link #unfinishedCreates} returned it) unless its create was
   * retried since or finished: its names are released, and {@link #reserve} and {@link #create} of
   * its id fail from now on.
   */
  AbandonOutcome abandon(PendingCreate pending);

  /**
   * Drops every record of an abandoned or refused pending create of {@code id} (after its keys were
   * shredded).
   */
  void forget(UUID id);

  /** Whether the store answers a trivial query now (readiness). */
  boolean isReachable();

  @Override
  void close();
}

package io.squadron.userdb.store;

import io.squadron.store.StoreUnavailableException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Accounts in one store. Every implementation passes the same contract suite ({@code UserStoreContract}) against
 * its real database. Failures to reach the store are {@link StoreUnavailableException}.
 */
public interface UserStore extends AutoCloseable {
  /** A short name for metrics and logs ({@code postgres}, {@code cassandra}). */
  String name();

  /**
   * Stores a new user, claiming its canonical name and skeleton. Idempotent for the same id: creating a row whose
   * claims this id already holds succeeds (retries, backfill copies) and overwrites the row only with a newer
   * {@code updatedAtMicros}.
   *
   * @throws UsernameConflictException when another user holds the canonical name or the skeleton
   */
  void create(StoredUser user) throws UsernameConflictException;

  /** The user with {@code id}. */
  Optional<StoredUser> get(UUID id);

  /** The user whose canonical username is {@code canonical}. */
  Optional<StoredUser> getByCanonicalUsername(String canonical);

  /**
   * Replaces the row of an existing user (same id and username) with {@code user}, unless the stored row is newer.
   *
   * @return whether the user existed
   */
  boolean update(StoredUser user);

  /**
   * Deletes the user and releases their names.
   *
   * @return whether the user existed
   */
  boolean delete(UUID id);

  /** Up to {@code limit} users with ids after {@code after} (empty: from the start), in this store's scan order. */
  List<StoredUser> scan(Optional<UUID> after, int limit);

  /** Whether the store answers a trivial query now (readiness). */
  boolean isReachable();

  @Override
  void close();
}

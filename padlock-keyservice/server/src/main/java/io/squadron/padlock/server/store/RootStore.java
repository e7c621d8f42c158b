package io.squadron.padlock.server.store;

import io.squadron.store.StoreUnavailableException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The durable store of wrapped roots, one row per user. Implementations fail fast with {@link
 * StoreUnavailableException} and never retry.
 */
public interface RootStore extends AutoCloseable {
  /** The outcome of {@link #create}. */
  enum CreateResult {
    /** The row was written by this call. */
    CREATED,
    /** An active row already existed; nothing changed. */
    ALREADY_EXISTS,
    /** The user's keys were deleted; nothing changed and nothing ever will. */
    SHREDDED
  }

  /** The outcome of a block or unblock. */
  enum UpdateResult {
    /** Applied. */
    APPLIED,
    /** No such user. */
    NOT_FOUND,
    /** The user's keys were deleted. */
    SHREDDED
  }

  /** Reads one user; empty when the user never had keys. */
  Optional<StoredUser> read(String userId);

  /**
   * Reads many users concurrently, at a consistency that no single replica can answer alone. Each
   * entry is a user found, absent (never had keys), or the failure of that user's read: one
   * unreachable replica does not fail the others. Once {@code abandoned} is true (the caller has
   * gone), the users not read yet are answered as {@link ReadResult#abandoned} instead of read.
   */
  Map<String, ReadResult> readAll(Collection<String> userIds, BooleanSupplier abandoned);

  /** Writes an active row unless one (active or shredded) exists. */
  CreateResult create(String userId, int masterVersion, byte[] wrappedRoot);

  /**
   * Turns the user's row into a shredded marker (creating the marker when there was no row).
   * Idempotent.
   */
  void shred(String userId);

  /** Adds {@code category} to the user's blocked categories. */
  UpdateResult block(String userId, String category);

  /** Removes {@code category} from the user's blocked categories. */
  UpdateResult unblock(String userId, String category);

  /**
   * Records that the user's keys changed (shredded, blocked, unblocked) in the change log every
   * instance reads, at the consistency of the change itself.
   *
   * @return when the change was recorded (epoch milliseconds)
   * @throws StoreUnavailableException when Cassandra cannot be reached
   */
  long recordChange(String userId);

  /**
   * The changes recorded since {@code sinceMillis} (epoch milliseconds).
   *
   * @throws StoreUnavailableException when Cassandra cannot be reached
   */
  List<Change> changesSince(long sinceMillis);

  /**
   * One entry of the change log.
   *
   * @param userId the user whose keys changed
   * @param atMillis when (epoch milliseconds)
   */
  record Change(String userId, long atMillis) {}

  /** Replaces the wrapped root only if it is still wrapped under {@code expectedMasterVersion}. */
  boolean rewrap(
      String userId, int expectedMasterVersion, int newMasterVersion, byte[] newWrappedRoot);

  /** One page of all rows, for a resumable rewrap pass; {@code pageToken} empty starts a pass. */
  Page scan(String pageToken, int pageSize);

  /** Whether the store answers at all (a readiness check). */
  boolean isReachable();

  @Override
  void close();

  /**
   * One user's read: {@code user} present when found, {@code failure} present when the read failed.
   *
   * @param user the row, when found
   * @param failure the failure, when the read failed
   * @param wasAbandoned whether the read was not even tried, the caller having gone
   */
  record ReadResult(
      Optional<StoredUser> user,
      Optional<StoreUnavailableException> failure,
      boolean wasAbandoned) {
    /** A successful read. */
    public static ReadResult of(Optional<StoredUser> user) {
      return new ReadResult(user, Optional.empty(), false);
    }

    /** A failed read. */
    public static ReadResult failed(StoreUnavailableException failure) {
      return new ReadResult(Optional.empty(), Optional.of(failure), false);
    }

    /** A read not made because the caller had gone. */
    public static ReadResult abandoned(StoreUnavailableException failure) {
      return new ReadResult(Optional.empty(), Optional.of(failure), true);
    }
  }

  /**
   * A page of a scan.
   *
   * @param users the rows in this page
   * @param nextPageToken the token of the next page; empty when the scan is complete
   */
  record Page(List<StoredUser> users, String nextPageToken) {}
}

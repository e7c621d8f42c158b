package io.squadron.userdb.store;

import static java.util.Objects.requireNonNull;

import io.squadron.store.StoreUnavailableException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store with injected write failures, standing for the store going away at one exact step:
 * every call goes to the real store except the next {@link #failCreates} creates (the step after
 * the names were reserved: "a failure between claim and row") and, while {@link #failDeletes} is
 * set, deletes (a failed secondary write).
 */
public final class FaultyUserStore implements UserStore {
  private final UserStore real;
  private final AtomicInteger failCreates = new AtomicInteger();
  private volatile boolean failDeletes;

  /** Wraps {@code real}. */
  public FaultyUserStore(UserStore real) {
    this.real = requireNonNull(real, "real");
  }

  /** The next {@code n} creates fail as if the store went away before the row was written. */
  public FaultyUserStore failCreates(int n) {
    failCreates.set(n);
    return this;
  }

  /** Deletes fail while {@code fail} is set. */
  public FaultyUserStore failDeletes(boolean fail) {
    failDeletes = fail;
    return this;
  }

  private StoreUnavailableException injected(String operation) {
    return new StoreUnavailableException(
        real.name(), operation, new IllegalStateException("injected failure"));
  }

  @Override
  public String name() {
    return real.name();
  }

  @Override
  public void reserve(PendingCreate pending)
      throws UsernameConflictException, CreateAbandonedException {
    real.reserve(pending);
  }

  @Override
  public StoredUser create(StoredUser user)
      throws UsernameConflictException, CreateAbandonedException {
    if (failCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw injected("create user");
    }
    return real.create(user);
  }

  @Override
  public Optional<StoredUser> get(UUID id) {
    return real.get(id);
  }

  @Override
  public Optional<StoredUser> getByCanonicalUsername(String canonical) {
    return real.getByCanonicalUsername(canonical);
  }

  @Override
  public UpdateOutcome update(StoredUser user) {
    return real.update(user);
  }

  @Override
  public boolean delete(UUID id) {
    if (failDeletes) {
      throw injected("delete user");
    }
    return real.delete(id);
  }

  @Override
  public void copy(StoredUser user) throws UsernameConflictException {
    real.copy(user);
  }

  @Override
  public List<StoredUser> scan(Optional<UUID> after, int limit) {
    return real.scan(after, limit);
  }

  @Override
  public List<PendingCreate> unfinishedCreates(long startedBeforeMicros, int limit) {
    return real.unfinishedCreates(startedBeforeMicros, limit);
  }

  @Override
  public AbandonOutcome abandon(PendingCreate pending) {
    return real.abandon(pending);
  }

  @Override
  public void forget(UUID id) {
    real.forget(id);
  }

  @Override
  public boolean isReachable() {
    return real.isReachable();
  }

  /** Closes nothing: the real store belongs to the test. */
  @Override
  public void close() {}
}

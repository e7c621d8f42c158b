package io.squadron.userdb.account;

import static java.util.Objects.requireNonNull;

import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.userdb.store.CreateAbandonedException;
import io.squadron.userdb.store.PendingCreate;
import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.UpdateOutcome;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UsernameConflictException;
import io.squadron.userdb.username.CanonicalUsername;
import io.squadron.userdb.username.UsernameCanonicalizer;
import io.squadron.userdb.username.UsernameRejectedException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Account operations over a store. Inputs are validated by the caller (the gRPC edge); names are
 * checked here.
 */
public final class Accounts {
  /**
   * How often an update without an expected version re-reads and tries again when concurrent
   * updates win.
   */
  static final int UPDATE_ATTEMPTS = 5;

  private static final Logger log = LoggerFactory.getLogger(Accounts.class);

  private final UserStore store;
  private final UsernameCanonicalizer canonicalizer;
  private final AccountCrypto crypto;
  private final Clock clock;
  private final Supplier<UUID> ids;
  private final UserEvents events;

  /**
   * Accounts in {@code store}; {@code clock} times changes, {@code ids} draws ids of creates
   * without a request id, {@code events} hears of deletions.
   */
  public Accounts(
      UserStore store,
      UsernameCanonicalizer canonicalizer,
      AccountCrypto crypto,
      Clock clock,
      Supplier<UUID> ids,
      UserEvents events) {
    this.store = requireNonNull(store, "store");
    this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
    this.crypto = requireNonNull(crypto, "crypto");
    this.clock = requireNonNull(clock, "clock");
    this.ids = requireNonNull(ids, "ids");
    this.events = requireNonNull(events, "events");
  }

  /**
   * Registers a user: canonical name, names reserved, keys in Padlock, encrypted fields, row. With
   * a request id the user's id is derived from it, so a retry finishes what a failed attempt began
   * and answers the same account.
   *
   * @throws UsernameConflictException the name or a look-alike belongs to another user
   * @throws RequestIdReusedException the request id belongs to another create, or to one whose
   *     account is gone
   */
  public Account create(
      Optional<CreateRequestId> request,
      String username,
      String email,
      String country,
      Optional<LocalDate> birthDate)
      throws UsernameRejectedException, UsernameConflictException, RequestIdReusedException {
    CanonicalUsername name = canonicalizer.canonicalize(username);
    UUID id = request.map(CreateRequestId::userId).orElseGet(ids);
    if (request.isPresent()) {
      Optional<StoredUser> existing = store.get(id);
      if (existing.isPresent()) {
        return replay(existing.get(), name, email, country, birthDate);
      }
    }
    try {
      // Before any key exists: whatever this create leaves behind from here on is on the store's
      // pending list.
      store.reserve(new PendingCreate(id, name.canonical(), name.skeleton(), micros()));
    } catch (UsernameConflictException e) {
      forgetQuietly(id); // no key was made for it
      throw e;
    } catch (CreateAbandonedException e) {
      throw new RequestIdReusedException();
    }
    try {
      crypto.createKeys(id);
    } catch (PadlockKeyException e) {
      if (e.reason() == PadlockKeyException.Reason.KEYS_DELETED) {
        forgetQuietly(
            id); // an earlier create of this id ended in a shred: it is never created again
        throw new RequestIdReusedException();
      }
      throw e; // the reservation stays: a retry finishes the create, or the sweeper gives it up
    }
    StoredUser row =
        new StoredUser(
            id,
            name.display(),
            name.canonical(),
            name.skeleton(),
            crypto.encryptEmail(id, email),
            country,
            birthDate.map(d -> crypto.encryptBirthDate(id, d)),
            1,
            micros());
    StoredUser stored;
    try {
      stored = store.create(row);
    } catch (UsernameConflictException e) {
      discard(id); // refused after the keys were made: nothing of it may stay behind
      throw e;
    } catch (CreateAbandonedException e) {
      throw new RequestIdReusedException();
    }
    return stored == row ? decrypt(row) : replay(stored, name, email, country, birthDate);
  }

  /**
   * A retried create answers the account it made, as long as the retry asks for what the account
   * holds.
   */
  private Account replay(
      StoredUser existing,
      CanonicalUsername name,
      String email,
      String country,
      Optional<LocalDate> birthDate)
      throws RequestIdReusedException {
    Optional<Account> account = decryptLive(existing);
    if (account.isPresent()
        && account.get().username().equals(name.display())
        && account.get().email().equals(email)
        && account.get().country().equals(country)
        && account.get().birthDate().equals(birthDate)) {
      return account.get();
    }
    throw new RequestIdReusedException();
  }

  /**
   * Drops the record of a refused create; a failure leaves it to the orphan sweeper, the refusal
   * still stands.
   */
  private void forgetQuietly(UUID id) {
    try {
      store.forget(id);
    } catch (RuntimeException e) {
      log.warn(
          "create of {} refused; its record is left to the orphan sweeper: {}",
          id,
          e.getClass().getSimpleName());
    }
  }

  /**
   * Shreds the keys of a refused create and forgets it; a failure leaves it to the orphan sweeper.
   */
  private void discard(UUID id) {
    try {
      crypto.shred(id);
      store.forget(id);
    } catch (RuntimeException e) {
      log.warn(
          "create of {} refused; its keys are left to the orphan sweeper: {}",
          id,
          e.getClass().getSimpleName());
    }
  }

  /**
   * The account with {@code id}; empty also when its keys were shredded (a row a failed delete left
   * behind).
   */
  public Optional<Account> get(UUID id) {
    return store.get(id).flatMap(this::decryptLive);
  }

  /** The account whose canonical name equals that of {@code username}. */
  public Optional<Account> getByUsername(String username) throws UsernameRejectedException {
    return store
        .getByCanonicalUsername(canonicalizer.canonicalForm(username))
        .flatMap(this::decryptLive);
  }

  /**
   * Changes email and/or country with a compare-and-set on the version; empty when there is no such
   * user. Without {@code expectedVersion}, a concurrent update that wins makes this one read again
   * and apply on top of it.
   *
   * @throws VersionConflictException the account does not have {@code expectedVersion}, or
   *     concurrent updates kept winning
   */
  public Optional<Account> update(
      UUID id, Optional<String> email, Optional<String> country, OptionalLong expectedVersion)
      throws VersionConflictException {
    for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      Optional<StoredUser> current = store.get(id);
      if (current.isEmpty()) {
        return Optional.empty();
      }
      StoredUser old = current.get();
      if (expectedVersion.isPresent() && old.version() != expectedVersion.getAsLong()) {
        throw new VersionConflictException(
            "version: the account has version "
                + old.version()
                + ", not "
                + expectedVersion.getAsLong()
                + "; read it again and retry");
      }
      StoredUser next;
      try {
        next =
            old.withChanges(
                email.map(e -> crypto.encryptEmail(id, e)).orElse(old.emailCipher()),
                country.orElse(old.country()),
                old.version() + 1,
                Math.max(micros(), old.updatedAtMicros() + 1));
      } catch (PadlockKeyException e) {
        if (e.reason() == PadlockKeyException.Reason.KEYS_DELETED) {
          return Optional.empty(); // shredded: the account is gone, whatever row is left
        }
        throw e;
      }
      UpdateOutcome outcome = store.update(next);
      if (outcome == UpdateOutcome.APPLIED) {
        return Optional.of(decrypt(next));
      }
      if (outcome == UpdateOutcome.NOT_FOUND) {
        return Optional.empty();
      }
      if (expectedVersion.isPresent()) {
        throw new VersionConflictException(
            "version: the account changed after version "
                + expectedVersion.getAsLong()
                + "; read it again and retry");
      }
    }
    throw new VersionConflictException(
        "version: concurrent changes kept winning; read the account again and retry");
  }

  /**
   * Shreds the user's keys and deletes their rows (also when no row exists, so a retry completes a
   * shred), then reports the deletion to other services ({@link UserEvents}). Shred and delete are
   * both attempted whatever the other did: a delete whose store write fails still leaves every copy
   * unreadable.
   */
  public boolean delete(UUID id) {
    RuntimeException failure = null;
    try {
      crypto.shred(id);
    } catch (RuntimeException e) {
      failure = e;
    }
    boolean existed = false;
    try {
      existed = store.delete(id);
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
    // Only after both: other services hear of a deletion once nothing of the user can be read any
    // more.
    events.userDeleted(id);
    return existed;
  }

  private Optional<Account> decryptLive(StoredUser row) {
    try {
      return Optional.of(decrypt(row));
    } catch (PadlockKeyException e) {
      if (e.reason() == PadlockKeyException.Reason.KEYS_DELETED) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Account decrypt(StoredUser row) {
    return new Account(
        row.id(),
        row.username(),
        row.canonicalUsername(),
        crypto.decryptEmail(row.id(), row.emailCipher()),
        row.country(),
        row.birthDateCipher().map(c -> crypto.decryptBirthDate(row.id(), c)),
        row.version());
  }

  private long micros() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }
}

package io.squadron.userdb.account;

import static java.util.Objects.requireNonNull;

import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UsernameConflictException;
import io.squadron.userdb.username.CanonicalUsername;
import io.squadron.userdb.username.UsernameCanonicalizer;
import io.squadron.userdb.username.UsernameRejectedException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/** Account operations over a store. Inputs are validated by the caller (the gRPC edge); names are checked here. */
public final class Accounts {
  private final UserStore store;
  private final UsernameCanonicalizer canonicalizer;
  private final AccountCrypto crypto;
  private final Clock clock;
  private final Supplier<UUID> ids;

  /** Accounts in {@code store}; {@code clock} times changes, {@code ids} draws new user ids. */
  public Accounts(UserStore store, UsernameCanonicalizer canonicalizer, AccountCrypto crypto, Clock clock,
      Supplier<UUID> ids) {
    this.store = requireNonNull(store, "store");
    this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
    this.crypto = requireNonNull(crypto, "crypto");
    this.clock = requireNonNull(clock, "clock");
    this.ids = requireNonNull(ids, "ids");
  }

  /** Registers a user: canonical name, keys in Padlock, encrypted fields, unique name and skeleton. */
  public Account create(String username, String email, String country, Optional<LocalDate> birthDate)
      throws UsernameRejectedException, UsernameConflictException {
    CanonicalUsername name = canonicalizer.canonicalize(username);
    UUID id = ids.get();
    crypto.createKeys(id);
    StoredUser row = new StoredUser(id, name.display(), name.canonical(), name.skeleton(),
        crypto.encryptEmail(id, email), country, birthDate.map(d -> crypto.encryptBirthDate(id, d)), 1, micros());
    try {
      store.create(row);
    } catch (UsernameConflictException e) {
      crypto.shred(id);
      throw e;
    }
    return decrypt(row);
  }

  /** The account with {@code id}. */
  public Optional<Account> get(UUID id) {
    return store.get(id).map(this::decrypt);
  }

  /** The account whose canonical name equals that of {@code username}. */
  public Optional<Account> getByUsername(String username) throws UsernameRejectedException {
    return store.getByCanonicalUsername(canonicalizer.canonicalForm(username)).map(this::decrypt);
  }

  /** Changes email and/or country; empty when there is no such user. */
  public Optional<Account> update(UUID id, Optional<String> email, Optional<String> country) {
    Optional<StoredUser> current = store.get(id);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    StoredUser old = current.get();
    StoredUser next = old.withChanges(email.map(e -> crypto.encryptEmail(id, e)).orElse(old.emailCipher()),
        country.orElse(old.country()), old.version() + 1, Math.max(micros(), old.updatedAtMicros() + 1));
    if (!store.update(next)) {
      return Optional.empty();
    }
    return Optional.of(decrypt(next));
  }

  /** Deletes the user's rows and shreds their keys (also when no row exists, so a retry completes a shred). */
  public boolean delete(UUID id) {
    boolean existed = store.delete(id);
    crypto.shred(id);
    return existed;
  }

  private Account decrypt(StoredUser row) {
    return new Account(row.id(), row.username(), row.canonicalUsername(), crypto.decryptEmail(row.id(),
        row.emailCipher()), row.country(), row.birthDateCipher().map(c -> crypto.decryptBirthDate(row.id(), c)),
        row.version());
  }

  private long micros() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }
}

package io.squadron.userdb.account;

import java.util.UUID;

/** Where {@link Accounts} reports what other services must learn about a user. */
public interface UserEvents {
  /**
   * Records that {@code userId}'s account was deleted (its keys shredded, its rows gone), durably,
   * before the delete call answers; reporting the same user again is harmless.
   *
   * @throws io.squadron.store.StoreUnavailableException when it cannot be recorded (the delete call
   *     then fails and its retry reports again)
   */
  void userDeleted(UUID userId);
}

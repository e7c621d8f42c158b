package io.squadron.userdb.account;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

/**
 * A decrypted account.
 *
 * @param id the id
 * @param username display form
 * @param canonicalUsername canonical form
 * @param email the email
 * @param country ISO 3166-1 alpha-2
 * @param birthDate the birth date, if given
 * @param version 1 at creation, +1 per change
 */
public record Account(
    UUID id,
    String username,
    String canonicalUsername,
    String email,
    String country,
    Optional<LocalDate> birthDate,
    long version) {
  public Account {
    requireNonNull(id, "id");
    requireNonNull(username, "username");
    requireNonNull(canonicalUsername, "canonicalUsername");
    requireNonNull(email, "email");
    requireNonNull(country, "country");
    requireNonNull(birthDate, "birthDate");
  }

  /** The id and version only: accounts are personal data. */
  @Override
  public String toString() {
    return "Account[id=" + id + ", version=" + version + "]";
  }
}

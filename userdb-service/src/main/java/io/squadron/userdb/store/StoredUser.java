package io.squadron.userdb.store;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One account row as every store keeps it. Email and birth date are ciphertexts (Padlock {@code
 * FieldCipher}); the canonical username and its skeleton were computed at registration and are
 * never recomputed.
 *
 * @param id the user's id
 * @param username the display form, as typed
 * @param canonicalUsername the unique canonical form
 * @param usernameSkeleton the unique TR39 skeleton
 * @param emailCipher the encrypted email
 * @param country ISO 3166-1 alpha-2 code (not personal data)
 * @param birthDateCipher the encrypted birth date, if given
 * @param version 1 at creation, +1 per change
 * @param updatedAtMicros when the row was last changed, in microseconds since the epoch; strictly
 *     grows per row, and is the Cassandra write timestamp, so a late copy never overwrites a newer
 *     change
 */
public record StoredUser(
    UUID id,
    String username,
    String canonicalUsername,
    String usernameSkeleton,
    byte[] emailCipher,
    String country,
    Optional<byte[]> birthDateCipher,
    long version,
    long updatedAtMicros) {
  public StoredUser {
    requireNonNull(id, "id");
    requireNonNull(username, "username");
    requireNonNull(canonicalUsername, "canonicalUsername");
    requireNonNull(usernameSkeleton, "usernameSkeleton");
    requireNonNull(emailCipher, "emailCipher");
    requireNonNull(country, "country");
    requireNonNull(birthDateCipher, "birthDateCipher");
    if (version < 1) {
      throw new IllegalArgumentException("version: " + version + " (expected: >= 1)");
    }
  }

  /** This row with other personal-field ciphertexts, country, version and time. */
  public StoredUser withChanges(
      byte[] newEmailCipher, String newCountry, long newVersion, long newUpdatedAtMicros) {
    return new StoredUser(
        id,
        username,
        canonicalUsername,
        usernameSkeleton,
        newEmailCipher,
        newCountry,
        birthDateCipher,
        newVersion,
        newUpdatedAtMicros);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredUser u
        && id.equals(u.id)
        && username.equals(u.username)
        && canonicalUsername.equals(u.canonicalUsername)
        && usernameSkeleton.equals(u.usernameSkeleton)
        && Arrays.equals(emailCipher, u.emailCipher)
        && country.equals(u.country)
        && birthDateCipher.isPresent() == u.birthDateCipher.isPresent()
        && (birthDateCipher.isEmpty()
            || Arrays.equals(birthDateCipher.get(), u.birthDateCipher.get()))
        && version == u.version
        && updatedAtMicros == u.updatedAtMicros;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, canonicalUsername, version, updatedAtMicros);
  }

  /** Only the id and version: rows hold personal data and must never reach a log whole. */
  @Override
  public String toString() {
    return "StoredUser[id=" + id + ", version=" + version + "]";
  }
}

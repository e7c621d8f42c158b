package io.squadron.userdb.account;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The request id a client sends with a create, with the identity of the caller that sent it. The
 * new user's id is derived from both, so every retry of one create names the same user (and
 * completes what a failed attempt began), while two callers that happen to use the same request id
 * never share a user.
 *
 * @param caller the caller's identity ({@code checkout}, {@code app:ios})
 * @param requestId the client's request id
 */
public record CreateRequestId(String caller, UUID requestId) {
  private static final byte[] DOMAIN =
      "squadron.userdb.v1.CreateUser request id\0".getBytes(StandardCharsets.UTF_8);

  public CreateRequestId {
    requireNonNull(caller, "caller");
    requireNonNull(requestId, "requestId");
  }

  /**
   * The user id of this create: a version 8 (custom) UUID from SHA-256 over the domain, caller and
   * request id.
   */
  public UUID userId() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(DOMAIN);
      sha.update(caller.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(requestId.toString().getBytes(StandardCharsets.UTF_8));
      ByteBuffer digest = ByteBuffer.wrap(sha.digest());
      long high = (digest.getLong() & ~0xF000L) | 0x8000L; // version 8
      long low = (digest.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // RFC 4122 variant
      return new UUID(high, low);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

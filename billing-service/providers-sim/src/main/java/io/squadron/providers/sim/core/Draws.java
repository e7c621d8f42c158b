package io.squadron.providers.sim.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Every random decision of the simulator, derived from the seed and the names of what is decided
 * (provider, purpose, idempotency key, attempt, event id...) instead of from a shared random
 * sequence. So the outcome of a request does not depend on which other requests ran before it or
 * concurrently with it: the same seed and the same requests give the same identifiers, faults and
 * declines, whatever the interleaving.
 */
public final class Draws {
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private final long seed;

  /** Draws under {@code seed}. */
  public Draws(long seed) {
    this.seed = seed;
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** A uniform number in [0, 1) for the named decision. */
  public double uniform(String... parts) {
    return (bits(parts) >>> 11) * 0x1.0p-53;
  }

  /** Whether a decision with probability {@code p} happens. */
  public boolean chance(double p, String... parts) {
    return p > 0 && (p >= 1 || uniform(parts) < p);
  }

  /** A uniform integer in [min, max]. */
  public long between(long min, long max, String... parts) {
    if (max <= min) {
      return min;
    }
    return min + Math.floorMod(bits(parts), max - min + 1);
  }

  /**
   * 64 well-mixed bits for the named decision (FNV-1a over the parts, then the SplitMix64
   * finalizer).
   */
  public long bits(String... parts) {
    long h = 0xcbf29ce484222325L ^ seed;
    for (String part : parts) {
      for (int i = 0; i < part.length(); i++) {
        h ^= part.charAt(i);
        h *= 0x100000001b3L;
      }
      h ^= 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  /**
   * An identifier {@code prefix} + {@code length} base-36 characters from SHA-256 of the seed and
   * the parts: unique for distinct parts in practice (length 20 carries 103 bits), the same for the
   * same parts.
   */
  public String id(String prefix, int length, String... parts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    sha.update(Long.toString(seed).getBytes(StandardCharsets.UTF_8));
    for (String part : parts) {
      sha.update((byte) 0);
      sha.update(part.getBytes(StandardCharsets.UTF_8));
    }
    byte[] digest = sha.digest();
    StringBuilder out = new StringBuilder(prefix.length() + length).append(prefix);
    for (int i = 0; i < length; i++) {
      out.append(ALPHABET[(digest[i % digest.length] & 0xff) % 36]);
    }
    return out.toString();
  }
}

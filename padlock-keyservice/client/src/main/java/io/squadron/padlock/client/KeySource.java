package io.squadron.padlock.client;

/**
 * Where a {@link FieldCipher} gets keys: normally a {@link PadlockClient}. Failures are {@link
 * PadlockKeyException}.
 */
public interface KeySource {
  /** The user's key of {@code category} at its current version (to encrypt new data). */
  DerivedKey currentKey(String userId, String category);

  /** The user's key of {@code category} at {@code version} (to decrypt data written under it). */
  DerivedKey key(String userId, String category, int version);
}

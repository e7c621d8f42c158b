/**
 * The Padlock client library every service uses.
 *
 * <ul>
 *   <li>{@link io.squadron.padlock.client.PadlockClient}: derived keys over a gRPC {@code Channel},
 *       batched, with a short-lived bounded cache;
 *   <li>{@link io.squadron.padlock.client.FieldCipher}: encrypts one field in one call
 *       (AES-256-GCM, versioned header, associated data binding the ciphertext to service, table,
 *       column and user).
 * </ul>
 *
 * <pre>{@code
 * static final Field EMAIL = Field.of("users", "email", "account");
 *
 * PadlockClient padlock = PadlockClient.builder(channels.channel("padlock")).build();
 * FieldCipher cipher = FieldCipher.builder(padlock, "userdb").build();
 * byte[] stored = cipher.encryptString(EMAIL, userId, email);
 * String email = cipher.decryptString(EMAIL, userId, stored);
 * }</pre>
 */
package io.squadron.padlock.client;

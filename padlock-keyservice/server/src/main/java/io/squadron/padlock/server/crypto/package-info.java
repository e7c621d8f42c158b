/**
 * Padlock's cryptography: HKDF-SHA256 (RFC 5869) for derived keys, and AES-256-GCM wrapping of root
 * secrets under versioned master keys. Pure and stateless apart from the key material handed in;
 * tested against RFC vectors.
 */
package io.squadron.padlock.server.crypto;

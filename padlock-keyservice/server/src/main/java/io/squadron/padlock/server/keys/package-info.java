/**
 * Padlock's domain: which keys exist ({@link io.squadron.padlock.server.keys.Categories}), and
 * {@link io.squadron.padlock.server.keys.KeyService}, which creates, derives, blocks and shreds
 * users' keys over the stores with a bounded in-memory cache in front. Knows nothing of gRPC.
 */
package io.squadron.padlock.server.keys;

/**
 * Where wrapped root secrets live: {@link io.squadron.padlock.server.store.RootStore} (Cassandra,
 * the source of truth) and {@link io.squadron.padlock.server.store.RootCache} (memcached in front
 * of it). Neither ever sees a plaintext root. Store failures surface as store-support's {@link
 * io.squadron.store.StoreUnavailableException} at once: nothing here retries.
 */
package io.squadron.padlock.server.store;

/**
 * What every service's stores share: one {@link io.squadron.store.StoreUnavailableException} for
 * every kind of store, and {@link io.squadron.store.StoreErrors#exceptionMapper()}, which turns it
 * into UNAVAILABLE with {@code RetryInfo}. The stores themselves are in {@code
 * io.squadron.store.postgres} and {@code io.squadron.store.cassandra}; the standard settings of
 * every kind are under {@code squadron.stores} (see this module's {@code reference.conf}).
 */
package io.squadron.store;

/**
 * Implementation types of {@code io.squadron.store.cassandra} that the driver must reach; not an
 * API.
 */
package io.squadron.store.cassandra.internal;

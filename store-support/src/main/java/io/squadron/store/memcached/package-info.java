/**
 * The standard memcached settings of a service ({@code squadron.stores.memcached}); the client
 * stays with the service that caches.
 */
package io.squadron.store.memcached;

/**
 * memcached: the machine's {@code memcached} binary (Debian package {@code memcached}, installed on
 * demand when running as root) on a free loopback port; ready when spymemcached can set and get a
 * key.
 */
package io.squadron.infra.memcached;

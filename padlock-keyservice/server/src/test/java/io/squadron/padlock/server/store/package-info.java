/** Unit tests of store settings and the memcached value format. */
package io.squadron.padlock.server.store;

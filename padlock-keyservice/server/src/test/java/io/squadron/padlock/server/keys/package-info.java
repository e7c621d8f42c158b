/** Unit tests of the in-memory cache and derived-key slots. */
package io.squadron.padlock.server.keys;

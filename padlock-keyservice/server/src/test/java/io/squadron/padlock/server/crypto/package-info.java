/** Unit tests of the crypto primitives. */
package io.squadron.padlock.server.crypto;

/** Unit tests of the ciphertext format, its bindings and the client settings. */
package io.squadron.padlock.client;

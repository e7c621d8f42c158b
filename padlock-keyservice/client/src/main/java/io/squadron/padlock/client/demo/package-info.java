/** A runnable demonstration of Padlock for {@code ./squadron up}: create, derive, encrypt, shred, fail to decrypt. */
package io.squadron.padlock.client.demo;

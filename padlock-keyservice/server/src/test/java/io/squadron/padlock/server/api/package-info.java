/**
 * Edge tests: the real Padlock server on real stores, called through generated stubs and the client
 * library.
 */
package io.squadron.padlock.server.api;

/** The Padlock benchmark ({@code ./squadron bench padlock}); test sources only, never shipped. */
package io.squadron.padlock.server.bench;

/**
 * The userdb benchmark ({@code ./squadron bench userdb}) and a helper that keeps local stores up
 * for development.
 */
package io.squadron.userdb.bench;

/** Benchmarks of the shuffle service, run by {@code ./squadron bench shuffle}. */
package io.squadron.shuffle.bench;

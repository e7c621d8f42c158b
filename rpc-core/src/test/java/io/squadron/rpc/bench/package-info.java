/**
 * Benchmarks of rpc-core against plain grpc-java, run with {@code ./squadron bench rpc} (and {@code
 * rpc-secure}). They live with the tests so they never ship in the library jar.
 */
package io.squadron.rpc.bench;

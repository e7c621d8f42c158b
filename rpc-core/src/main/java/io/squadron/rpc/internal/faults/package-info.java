/**
 * Faults injected on purpose ({@code squadron.fault-injection}): added latency and errors on one
 * method, so a release can be made bad for canary-analysis tests, benchmarks and demos. Local only:
 * refused on a server that listens beyond loopback unless a flag says so.
 */
package io.squadron.rpc.internal.faults;

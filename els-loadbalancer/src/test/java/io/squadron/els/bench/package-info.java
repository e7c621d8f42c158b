/**
 * The ELS benchmark: real gRPC servers on loopback with injectable behaviour (latency with a
 * capacity limit, fast failures, down), open-loop clients, and grpc-java's own policies measured
 * side by side. Run with {@code ./squadron bench els} ({@link io.squadron.els.bench.ElsBenchmark}).
 */
package io.squadron.els.bench;

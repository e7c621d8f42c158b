/**
 * The Expected Latency Selector (ELS): a grpc-java load-balancing policy named {@code els}, with a
 * relative circuit breaker.
 *
 * <p>Each client measures, per endpoint and only locally (a {@link io.grpc.ClientStreamTracer} on
 * every call): the latency of successes, the latency of failures, the success rate, the outstanding
 * requests and the parallelism the endpoint sustains. From those it computes the latency a request
 * sent there can expect, and picks endpoints at random with probability decreasing in that expected
 * latency. An endpoint whose failure rate is markedly worse than the rest is ejected for a while;
 * when every endpoint fails alike none is.
 *
 * <p>Select it with a service config: {@code {"loadBalancingConfig":[{"els":{}}]}}. The formula and
 * the benchmark against grpc-java's own policies are in the module's README.
 */
package io.squadron.els;

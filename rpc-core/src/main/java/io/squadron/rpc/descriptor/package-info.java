/**
 * Service descriptors: each service module declares itself once, in {@code squadron-service.conf}
 * at the root of its resources ({@link io.squadron.rpc.descriptor.ServiceDescriptor}); the service,
 * its tests and every tool read that file instead of naming services in code.
 */
package io.squadron.rpc.descriptor;

/**
 * {@code squadron new-service} and {@code squadron upgrade-service}: a new service module from a
 * versioned template (descriptor, main on the service contract, gRPC face, domain, store with its
 * schema, edge test, README), and the diff between the template a module was generated from and
 * today's.
 */
package io.squadron.deploy.scaffold;

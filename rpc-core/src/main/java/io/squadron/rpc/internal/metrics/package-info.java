/**
 * Server and client call recorders, and the counters of the identity, permission and rate-limit
 * stages.
 */
package io.squadron.rpc.internal.metrics;

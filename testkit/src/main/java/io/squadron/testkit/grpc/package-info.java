/**
 * Assertions on gRPC failures and their {@code google.rpc} details (reason, bad fields, retry
 * delay).
 */
package io.squadron.testkit.grpc;

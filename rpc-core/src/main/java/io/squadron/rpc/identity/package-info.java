/**
 * Who is calling: the {@link io.squadron.rpc.identity.Caller} that the identity stage of the server
 * chain puts in the gRPC {@link io.grpc.Context}, read by permissions, rate limits, metrics and
 * handlers.
 */
package io.squadron.rpc.identity;

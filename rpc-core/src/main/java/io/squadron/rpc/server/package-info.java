/**
 * The server every service runs: {@link io.squadron.rpc.server.SquadronServer#builder} assembles
 * Netty transport, the interceptor chain (identity, permission, rate limit, metrics, error
 * mapping), health, reflection, the admin endpoint and graceful shutdown from typed {@link
 * io.squadron.rpc.server.ServerSettings}.
 */
package io.squadron.rpc.server;

/**
 * Who may talk to a service: mutual TLS between services (identity = the {@code spiffe://squadron/<service>} URI SAN of
 * the verified peer certificate), app tokens for client apps (identity {@code app:<name>}), and a plaintext mode for
 * local development only. {@link io.squadron.rpc.security.ServerSecurity#configure} and
 * {@link io.squadron.rpc.security.ClientSecurity#configure} wire all of it, plus permissions and rate limits, from
 * config; services write none of it.
 */
package io.squadron.rpc.security;

/**
 * Service identities: {@link io.squadron.rpc.security.SpiffeId} says what a service or caller name
 * is and reads the {@code spiffe://<trust-domain>/<service>} URI SAN of a certificate. Transport
 * security, app tokens, permissions and rate limits are wired by {@code Platform} from config;
 * services write none of it.
 */
package io.squadron.rpc.security;

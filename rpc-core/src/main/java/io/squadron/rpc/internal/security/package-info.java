/**
 * Transport security and caller identity: TLS credentials, the SPIFFE trust manager, app tokens and
 * the identity stage.
 */
package io.squadron.rpc.internal.security;

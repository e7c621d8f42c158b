/**
 * The one-line entry points a service's {@code main} uses: a server builder and a channel factory
 * builder configured from the service's config with everything rpc-core gives (security,
 * permissions, rate limits, metrics).
 */
package io.squadron.rpc.platform;

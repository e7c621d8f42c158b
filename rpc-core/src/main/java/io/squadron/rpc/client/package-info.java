/**
 * The client side: {@link io.squadron.rpc.client.ChannelFactory} builds channels to other services
 * by name, with the configured load-balancing policy, a default deadline on every call, retries
 * only where a method enables them, and client metrics.
 */
package io.squadron.rpc.client;

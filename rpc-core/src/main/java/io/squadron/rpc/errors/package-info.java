/**
 * Errors on the wire: {@link io.squadron.rpc.errors.RpcErrors} builds statuses with {@code
 * google.rpc} details, {@link io.squadron.rpc.errors.ItemStatuses} builds the per-item {@code
 * google.rpc.Status} of a batch response, and a service maps its own exceptions with an {@link
 * io.squadron.rpc.errors.ExceptionMapper}. The server's error mapping stage is the one place where
 * exceptions become statuses.
 */
package io.squadron.rpc.errors;

/**
 * Errors on the wire: {@link io.squadron.rpc.errors.RpcErrors} builds statuses with {@code google.rpc} details, and
 * {@link io.squadron.rpc.errors.ExceptionMappingInterceptor} is the one place where exceptions become statuses.
 */
package io.squadron.rpc.errors;

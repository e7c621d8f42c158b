/**
 * HTTP/JSON for browsers: the settings of a service's HTTP listener ({@link
 * io.squadron.rpc.http.HttpSettings}, {@link io.squadron.rpc.http.CorsSettings}) and the static
 * files it may serve ({@link io.squadron.rpc.http.StaticFiles}). The listener transcodes the {@code
 * google.api.http} bindings of the service's unary methods and runs every call through the same
 * server chain as gRPC calls.
 */
package io.squadron.rpc.http;

/**
 * HTTP/JSON transcoding: {@code google.api.http} bindings read from the served methods'
 * descriptors, requests built with protobuf's {@code JsonFormat}, calls run through the server
 * chain as {@code ServerCall}s, errors as JSON {@code google.rpc.Status}, CORS and static files, on
 * a Netty HTTP/1.1 listener.
 */
package io.squadron.rpc.internal.http;

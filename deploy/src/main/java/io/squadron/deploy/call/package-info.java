/**
 * Calling a running service from outside with nothing compiled in ({@code squadron call}): the API
 * comes from gRPC server reflection, requests and responses are protobuf's JSON mapping, errors
 * print their {@code google.rpc} details.
 */
package io.squadron.deploy.call;

/**
 * The error mapping stage (exceptions to statuses) and the request parse guard that turns
 * undecodable requests into INVALID_ARGUMENT.
 */
package io.squadron.rpc.internal.errors;

/**
 * The shuffle service's gRPC edge: request validation, proto <-> domain mapping, and {@code main}.
 */
package io.squadron.shuffle.api;

/**
 * Padlock's gRPC edge: {@link io.squadron.padlock.server.api.PadlockGrpcService} (validation, proto
 * mapping, the calling service's identity), its settings, and {@link
 * io.squadron.padlock.server.api.PadlockMain}.
 */
package io.squadron.padlock.server.api;

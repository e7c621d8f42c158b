/** userdb's gRPC edge: request validation, proto <-> domain mapping, settings, and {@code main}. */
package io.squadron.userdb.api;

/** Checkout's gRPC (and HTTP/JSON) API, its errors, its main class and its demo. */
package io.squadron.checkout.api;

/**
 * Implementation shared by the outbox, relay and consumer packages: the envelope codec, backoff.
 * Public only because those packages are siblings; not an API for services.
 */
package io.squadron.events.internal;

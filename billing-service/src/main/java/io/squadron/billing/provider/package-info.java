/**
 * How billing reaches payment providers: the adapter interface every provider shares ({@link
 * io.squadron.billing.provider.PaymentProvider}), JSON over HTTP with the one classification of
 * failures (unavailable: fail over; unknown: repeat with the same idempotency key; an answer: the
 * adapter reads it), per provider settings from config, and metrics per provider and method. The
 * adapters are in {@code .adapter}.
 */
package io.squadron.billing.provider;

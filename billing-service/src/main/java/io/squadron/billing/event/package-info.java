/**
 * The payment events billing publishes (squadron.billing.events.v1 on the topic {@code
 * billing.payments}) through the events library's transactional outbox, in the transaction that
 * commits the payment change they describe.
 */
package io.squadron.billing.event;

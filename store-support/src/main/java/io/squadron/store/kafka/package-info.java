/**
 * The standard Kafka settings of a service ({@code squadron.stores.kafka}); producing and consuming
 * are the events library's.
 */
package io.squadron.store.kafka;

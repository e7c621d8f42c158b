/**
 * billing's edge: the main class on the service contract, the gRPC handler, its settings, request
 * checks, the one mapping of failures to statuses, and the demo {@code squadron up} runs.
 */
package io.squadron.billing.api;

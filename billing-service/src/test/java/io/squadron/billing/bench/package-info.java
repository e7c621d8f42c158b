/**
 * billing's benchmark ({@code ./squadron bench billing}): payments over all 16 providers under
 * injected faults.
 */
package io.squadron.billing.bench;

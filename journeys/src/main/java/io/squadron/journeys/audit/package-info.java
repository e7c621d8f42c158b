/**
 * What the run left behind, checked as an operator would: charges counted twice by a provider or by
 * billing, ledger transactions that do not balance, and payments whose event never reached
 * checkout.
 */
package io.squadron.journeys.audit;

package io.squadron.billing.ledger;

/** What a ledger transaction records. */
public enum EntryKind {
  /** Funds authorized and held at the provider (memo accounts: no money moved yet). */
  AUTHORIZATION,
  /** An authorization released: captured, canceled or expired. */
  AUTHORIZATION_RELEASE,
  /** Money taken from the payer; the provider owes it to us. */
  CAPTURE,
  /** The provider's fee for a payment, a return or a chargeback. */
  FEE,
  /** Money given back to the payer at our request. */
  REFUND,
  /** Money taken back by the payer's bank (SEPA return). */
  RETURN,
  /** Money taken back by the card scheme (dispute lost). No simulated provider produces it yet. */
  CHARGEBACK
}

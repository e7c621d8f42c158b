package io.squadron.billing.payment;

/**
 * A provider's status of a payment, normalized over the sixteen providers' vocabularies (each
 * adapter maps its own: {@code requires_action}, {@code PAYER_ACTION_REQUIRED}, {@code registered},
 * {@code ATIVA}, ...).
 */
public enum ProviderPhase {
  /** The payer must act. */
  ACTION_REQUIRED,
  /** Processing at the provider; nothing for anyone to do but wait. */
  PENDING,
  /** The payer approved; the merchant must now act (capture the order, place the order). */
  APPROVED,
  /** Authorized; the merchant captures (or cancels) before the authorization expires. */
  AUTHORIZED,
  /** A capture was requested and is being confirmed. */
  CAPTURE_PENDING,
  /** Money taken. */
  SUCCEEDED,
  /** Declined or failed; nothing taken. */
  FAILED,
  /** Canceled by the merchant or the payer; nothing taken. */
  CANCELED,
  /** The payer did not act in time; nothing taken. */
  EXPIRED,
  /** Taken, then returned by the payer's bank (SEPA return) or charged back. */
  RETURNED
}

package io.squadron.billing.provider.adapter;

import io.squadron.proto.billing.v1.FailureReason;
import java.util.Locale;
import java.util.Map;

/**
 * The providers' decline and failure codes, normalized. Unknown codes are {@code GENERIC_DECLINE}:
 * the provider's own code still travels in {@code provider_code}.
 */
final class Declines {
  private static final Map<String, FailureReason> REASONS =
      Map.ofEntries(
          // cards (cardpay, acquirex), device wallets
          Map.entry("generic_decline", FailureReason.GENERIC_DECLINE),
          Map.entry("card_declined", FailureReason.GENERIC_DECLINE),
          Map.entry("do_not_honor", FailureReason.GENERIC_DECLINE),
          Map.entry("refused", FailureReason.GENERIC_DECLINE),
          Map.entry("insufficient_funds", FailureReason.INSUFFICIENT_FUNDS),
          Map.entry("not_enough_balance", FailureReason.INSUFFICIENT_FUNDS),
          Map.entry("lost_card", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("stolen_card", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("expired_card", FailureReason.EXPIRED_INSTRUMENT),
          Map.entry("expired_token", FailureReason.EXPIRED_INSTRUMENT),
          Map.entry("token_expired", FailureReason.EXPIRED_INSTRUMENT),
          Map.entry("incorrect_cvc", FailureReason.INCORRECT_CREDENTIALS),
          Map.entry("cvc_declined", FailureReason.INCORRECT_CREDENTIALS),
          Map.entry("fraudulent", FailureReason.FRAUD_SUSPECTED),
          Map.entry("fraud", FailureReason.FRAUD_SUSPECTED),
          Map.entry("fraud_suspected", FailureReason.FRAUD_SUSPECTED),
          Map.entry("processing_error", FailureReason.PROCESSING_ERROR),
          Map.entry("acquirer_error", FailureReason.PROCESSING_ERROR),
          Map.entry("processor_error", FailureReason.PROCESSING_ERROR),
          Map.entry("authentication_failed", FailureReason.AUTHENTICATION_FAILED),
          Map.entry("3d_not_authenticated", FailureReason.AUTHENTICATION_FAILED),
          Map.entry("authorisation_expired", FailureReason.EXPIRED),
          // wallets, pay later, bank redirect
          Map.entry("instrument_declined", FailureReason.GENERIC_DECLINE),
          Map.entry("payer_account_restricted", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("payer_cannot_pay", FailureReason.INSUFFICIENT_FUNDS),
          Map.entry("transaction_refused", FailureReason.GENERIC_DECLINE),
          Map.entry("payer_cancelled", FailureReason.PAYER_CANCELED),
          Map.entry("order_expired", FailureReason.EXPIRED),
          Map.entry("credit_check_failed", FailureReason.GENERIC_DECLINE),
          Map.entry("amount_over_limit", FailureReason.LIMIT_EXCEEDED),
          Map.entry("abandoned", FailureReason.PAYER_CANCELED),
          Map.entry("session_expired", FailureReason.EXPIRED),
          Map.entry("rejected_by_bank", FailureReason.GENERIC_DECLINE),
          Map.entry("canceled_by_payer", FailureReason.PAYER_CANCELED),
          Map.entry("expired", FailureReason.EXPIRED),
          Map.entry("user_balance_not_enough", FailureReason.INSUFFICIENT_FUNDS),
          Map.entry("risk_reject", FailureReason.FRAUD_SUSPECTED),
          Map.entry("user_payment_verification_failed", FailureReason.AUTHENTICATION_FAILED),
          Map.entry("user_not_exist", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("user_rejected", FailureReason.PAYER_CANCELED),
          Map.entry("order_is_closed", FailureReason.EXPIRED),
          Map.entry("order_is_canceled", FailureReason.PAYER_CANCELED),
          // carrier billing
          Map.entry("operator_error", FailureReason.PROCESSING_ERROR),
          Map.entry("insufficient_credit", FailureReason.INSUFFICIENT_FUNDS),
          Map.entry("subscriber_barred", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("unknown_subscriber", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("spend_limit_exceeded", FailureReason.LIMIT_EXCEEDED),
          // SEPA R-codes
          Map.entry("am04", FailureReason.INSUFFICIENT_FUNDS),
          Map.entry("ac04", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("ac06", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("md01", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("ms02", FailureReason.PAYER_CANCELED),
          Map.entry("md06", FailureReason.PAYER_CANCELED),
          Map.entry("sl01", FailureReason.GENERIC_DECLINE),
          // boleto, pix
          Map.entry("registration_rejected", FailureReason.GENERIC_DECLINE),
          Map.entry("payer_document_blocked", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("expired_unpaid", FailureReason.EXPIRED),
          Map.entry("rejected_by_psp", FailureReason.GENERIC_DECLINE),
          // UPI (NPCI codes)
          Map.entry("u30", FailureReason.PROCESSING_ERROR),
          Map.entry("za", FailureReason.PAYER_CANCELED),
          Map.entry("z9", FailureReason.INSUFFICIENT_FUNDS),
          Map.entry("zm", FailureReason.INCORRECT_CREDENTIALS),
          Map.entry("zh", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("u69", FailureReason.EXPIRED),
          // gift cards
          Map.entry("insufficient_balance", FailureReason.INSUFFICIENT_FUNDS),
          Map.entry("card_expired", FailureReason.EXPIRED_INSTRUMENT),
          Map.entry("card_blocked", FailureReason.INSTRUMENT_BLOCKED),
          Map.entry("card_not_found", FailureReason.INSTRUMENT_BLOCKED),
          // mobile money result codes
          Map.entry("1", FailureReason.INSUFFICIENT_FUNDS),
          Map.entry("1032", FailureReason.PAYER_CANCELED),
          Map.entry("1037", FailureReason.EXPIRED),
          Map.entry("2001", FailureReason.INCORRECT_CREDENTIALS));

  private Declines() {}

  /** The normalized reason of a provider's {@code code}. */
  static FailureReason reason(String code) {
    if (code == null) {
      return FailureReason.GENERIC_DECLINE;
    }
    return REASONS.getOrDefault(code.toLowerCase(Locale.ROOT), FailureReason.GENERIC_DECLINE);
  }
}

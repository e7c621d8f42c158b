package io.squadron.billing.engine;

import io.squadron.proto.billing.v1.PaymentMethodType;
import java.util.List;

/** What the client must collect for each method (paths in {@code CreatePaymentRequest}). */
final class RequiredFields {
  private RequiredFields() {}

  static List<String> of(PaymentMethodType method) {
    return switch (method) {
      case CARD -> List.of("payment_method.card.tokens");
      case TAPWALLET -> List.of("payment_method.tapwallet.payment_data");
      case GWALLET -> List.of("payment_method.gwallet.token");
      case CARRIER_BILLING -> List.of("payment_method.carrier_billing.msisdn");
      case SEPA_DEBIT ->
          List.of("payment_method.sepa_debit.iban", "payment_method.sepa_debit.account_holder");
      case BOLETO ->
          List.of("payment_method.boleto.payer_name", "payment_method.boleto.payer_document");
      case UPI -> List.of("payment_method.upi.vpa");
      case GIFT_CARD -> List.of("payment_method.gift_card.code");
      case MOBILE_MONEY -> List.of("payment_method.mobile_money.phone");
      case PAYWALLET, BANK_REDIRECT, EWALLET, PAYLATER -> List.of("return_url");
      default -> List.of();
    };
  }
}

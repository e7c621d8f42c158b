package io.squadron.checkout.session;

import io.squadron.proto.billing.v1.CardDetails;
import io.squadron.proto.billing.v1.PayLaterDetails;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.ProviderToken;
import io.squadron.proto.billing.v1.SepaDebitDetails;
import io.squadron.rpc.errors.RpcErrors;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The payment methods checkout offers in its steps and what each asks the client for. Only the
 * methods listed here are offered (billing may offer more for a country; they are left out until
 * checkout collects their details).
 */
final class PaymentMethods {
  /** What one method needs. */
  record Spec(PaymentMethodType type, String label, List<String> fields) {
    /**
     * The values a client submits for this method; a card is tokenized by the client at each
     * acquirer billing names ({@code card_token.<provider>}; at least one).
     */
    List<String> fieldsFor(List<String> providers) {
      if (type != PaymentMethodType.CARD) {
        return fields;
      }
      return providers.stream().map(p -> CARD_TOKEN + p).toList();
    }
  }

  static final String CARD_TOKEN = "card_token.";

  private static final Map<PaymentMethodType, Spec> SPECS =
      Map.of(
          PaymentMethodType.CARD, new Spec(PaymentMethodType.CARD, "Card", List.of()),
          PaymentMethodType.SEPA_DEBIT,
              new Spec(
                  PaymentMethodType.SEPA_DEBIT,
                  "SEPA Direct Debit",
                  List.of("iban", "account_holder")),
          PaymentMethodType.PAYWALLET,
              new Spec(PaymentMethodType.PAYWALLET, "PayWallet", List.of()),
          PaymentMethodType.BANK_REDIRECT,
              new Spec(PaymentMethodType.BANK_REDIRECT, "Online banking", List.of()),
          PaymentMethodType.PAYLATER, new Spec(PaymentMethodType.PAYLATER, "Pay later", List.of()),
          PaymentMethodType.PIX, new Spec(PaymentMethodType.PIX, "Pix", List.of()));

  private PaymentMethods() {}

  static Optional<Spec> spec(PaymentMethodType type) {
    return Optional.ofNullable(SPECS.get(type));
  }

  /**
   * Billing's payment method from the values a client submitted; a missing value is
   * INVALID_ARGUMENT naming {@code values.<name>}.
   *
   * @param offered the fields the step asked for this method
   */
  static PaymentMethod from(
      PaymentMethodType type, Map<String, String> values, List<String> offered) {
    PaymentMethod.Builder m = PaymentMethod.newBuilder().setType(type);
    switch (type) {
      case CARD -> {
        CardDetails.Builder card = CardDetails.newBuilder();
        for (String field : offered) {
          String token = values.getOrDefault(field, "").strip();
          if (!token.isEmpty()) {
            if (token.length() > 64) {
              throw RpcErrors.invalidArgument("values." + field, "at most 64 characters");
            }
            card.addTokens(
                ProviderToken.newBuilder()
                    .setProvider(field.substring(CARD_TOKEN.length()))
                    .setToken(token));
          }
        }
        if (card.getTokensCount() == 0) {
          throw RpcErrors.invalidArgument(
              "values." + (offered.isEmpty() ? CARD_TOKEN + "provider" : offered.get(0)),
              "a card token from at least one of the acquirers offered");
        }
        m.setCard(card);
      }
      case SEPA_DEBIT ->
          m.setSepaDebit(
              SepaDebitDetails.newBuilder()
                  .setIban(required(values, "iban"))
                  .setAccountHolder(required(values, "account_holder")));
      case PAYLATER -> m.setPaylater(PayLaterDetails.getDefaultInstance());
      default -> {
        // Methods without details: the type says everything.
      }
    }
    return m.build();
  }

  private static String required(Map<String, String> values, String name) {
    String v = values.getOrDefault(name, "").strip();
    if (v.isEmpty()) {
      throw RpcErrors.invalidArgument("values." + name, "required for this payment method");
    }
    if (v.length() > 128) {
      throw RpcErrors.invalidArgument("values." + name, "at most 128 characters");
    }
    return v;
  }
}

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
 * The payment methods checkout offers in its steps and what each asks the client for. Only the methods listed here
 * are offered (billing may offer more for a country; they are left out until checkout collects their details).
 */
final class PaymentMethods {
  /** What one method needs. */
  record Spec(PaymentMethodType type, String label, List<String> fields) {}

  private static final Map<PaymentMethodType, Spec> SPECS = Map.of(
      PaymentMethodType.CARD, new Spec(PaymentMethodType.CARD, "Card", List.of("card_token")),
      PaymentMethodType.SEPA_DEBIT, new Spec(PaymentMethodType.SEPA_DEBIT, "SEPA Direct Debit",
          List.of("iban", "account_holder")),
      PaymentMethodType.PAYWALLET, new Spec(PaymentMethodType.PAYWALLET, "PayWallet", List.of()),
      PaymentMethodType.BANK_REDIRECT, new Spec(PaymentMethodType.BANK_REDIRECT, "Online banking", List.of()),
      PaymentMethodType.PAYLATER, new Spec(PaymentMethodType.PAYLATER, "Pay later", List.of()),
      PaymentMethodType.PIX, new Spec(PaymentMethodType.PIX, "Pix", List.of()));

  private PaymentMethods() {}

  static Optional<Spec> spec(PaymentMethodType type) {
    return Optional.ofNullable(SPECS.get(type));
  }

  /**
   * Billing's payment method from the values a client submitted; a missing value is INVALID_ARGUMENT naming
   * {@code values.<name>}.
   *
   * @param providers for cards, the acquirers billing named: the client's token is offered to each
   */
  static PaymentMethod from(PaymentMethodType type, Map<String, String> values, List<String> providers) {
    PaymentMethod.Builder m = PaymentMethod.newBuilder().setType(type);
    switch (type) {
      case CARD -> {
        String token = required(values, "card_token");
        CardDetails.Builder card = CardDetails.newBuilder();
        providers.forEach(p -> card.addTokens(ProviderToken.newBuilder().setProvider(p).setToken(token)));
        m.setCard(card);
      }
      case SEPA_DEBIT -> m.setSepaDebit(SepaDebitDetails.newBuilder().setIban(required(values, "iban"))
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

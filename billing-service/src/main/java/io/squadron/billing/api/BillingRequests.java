package io.squadron.billing.api;

import io.squadron.proto.billing.v1.CaptureMethod;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.ProviderToken;
import io.squadron.rpc.errors.RpcErrors;
import java.math.BigInteger;
import java.net.URI;
import java.util.Currency;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Field checks of billing's requests: every problem becomes INVALID_ARGUMENT naming the field,
 * before anything is executed (so nothing is stored for the idempotency key: the caller fixes the
 * request and retries with the same key). Messages never repeat an instrument's value.
 */
final class BillingRequests {
  static final long MAX_AMOUNT = 99_999_999_999L;
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
  private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9._:\\-]{1,64}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:\\-@]{1,128}");
  private static final Pattern PAYMENT_ID = Pattern.compile("pay[a-z2-7]{24}");
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,64}");
  private static final Pattern MSISDN = Pattern.compile("\\+[1-9]\\d{7,14}");
  private static final Pattern VPA = Pattern.compile("[a-zA-Z0-9.\\-_]{2,256}@[a-zA-Z]{2,64}");
  private static final Pattern GIFT_CODE = Pattern.compile("[A-Z0-9\\-]{6,32}");
  private static final Pattern KENYA_PHONE = Pattern.compile("254[17]\\d{8}");
  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]+\\.[^@\\s\\p{Cntrl}]+");
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
  private static final Set<String> CURRENCIES = currencies();
  private static final Set<PaymentMethodType> REDIRECTS =
      Set.of(
          PaymentMethodType.PAYWALLET,
          PaymentMethodType.BANK_REDIRECT,
          PaymentMethodType.EWALLET,
          PaymentMethodType.PAYLATER);

  private BillingRequests() {}

  private static Set<String> currencies() {
    Set<String> out = new HashSet<>();
    Currency.getAvailableCurrencies().forEach(c -> out.add(c.getCurrencyCode()));
    return Set.copyOf(out);
  }

  static void idempotencyKey(RpcErrors.InvalidArgumentBuilder v, String key) {
    if (!KEY.matcher(key).matches()) {
      v.field(
          "idempotency_key",
          key.isEmpty()
              ? "must not be empty"
              : "must be 1..255 visible ASCII characters (no spaces)");
    }
  }

  static void paymentId(RpcErrors.InvalidArgumentBuilder v, String id) {
    if (!PAYMENT_ID.matcher(id).matches()) {
      v.field(
          "payment_id",
          id.isEmpty() ? "must not be empty" : "is not a payment id (pay + 24 characters)");
    }
  }

  static void country(RpcErrors.InvalidArgumentBuilder v, String field, String country) {
    if (!COUNTRIES.contains(country)) {
      v.field(
          field,
          country.isEmpty()
              ? "must not be empty"
              : "must be an ISO 3166-1 alpha-2 code in upper case");
    }
  }

  static void currency(RpcErrors.InvalidArgumentBuilder v, String field, String currency) {
    if (!CURRENCIES.contains(currency)) {
      v.field(
          field,
          currency.isEmpty() ? "must not be empty" : "must be an ISO 4217 code in upper case");
    }
  }

  static void amount(
      RpcErrors.InvalidArgumentBuilder v, String field, long amount, boolean optional) {
    if (optional && amount == 0) {
      return;
    }
    if (amount < 1 || amount > MAX_AMOUNT) {
      v.field(
          field, "must be 1.." + MAX_AMOUNT + " minor units" + (optional ? " (or 0: all)" : ""));
    }
  }

  /** Checks a CreatePaymentRequest's fields; throws INVALID_ARGUMENT listing every bad one. */
  static void create(CreatePaymentRequest r) {
    RpcErrors.InvalidArgumentBuilder v = RpcErrors.invalidArguments();
    idempotencyKey(v, r.getIdempotencyKey());
    if (!ID.matcher(r.getCustomerId()).matches()) {
      v.field(
          "customer_id",
          r.getCustomerId().isEmpty()
              ? "must not be empty"
              : "must be 1..128 letters, digits or ._:-@");
    }
    if (!REFERENCE.matcher(r.getReference()).matches()) {
      v.field(
          "reference",
          r.getReference().isEmpty()
              ? "must not be empty"
              : "must be 1..64 letters, digits or ._:-");
    }
    amount(v, "amount", r.getAmount(), false);
    currency(v, "currency", r.getCurrency());
    country(v, "country", r.getCountry());
    if (r.getCaptureMethod() == CaptureMethod.UNRECOGNIZED) {
      v.field("capture_method", "unknown value (expected AUTOMATIC or MANUAL)");
    }
    if (r.getDescription().length() > 100
        || r.getDescription().chars().anyMatch(Character::isISOControl)) {
      v.field("description", "must be at most 100 characters without control characters");
    }
    if (!r.getReturnUrl().isEmpty() && !url(r.getReturnUrl())) {
      v.field("return_url", "must be an http(s) URL of at most 2048 characters");
    }
    if (!r.hasPaymentMethod()) {
      v.field("payment_method", "is required");
    } else {
      method(v, r.getPaymentMethod());
      if (REDIRECTS.contains(r.getPaymentMethod().getType()) && r.getReturnUrl().isEmpty()) {
        v.field(
            "return_url",
            "is required for " + r.getPaymentMethod().getType() + " (the payer comes back there)");
      }
    }
    if (!v.isEmpty()) {
      throw v.build();
    }
  }

  private static void method(RpcErrors.InvalidArgumentBuilder v, PaymentMethod m) {
    PaymentMethodType type = m.getType();
    if (type == PaymentMethodType.PAYMENT_METHOD_TYPE_UNSPECIFIED
        || type == PaymentMethodType.UNRECOGNIZED) {
      v.field("payment_method.type", "must be a payment method (see ListPaymentMethods)");
      return;
    }
    PaymentMethod.DetailsCase expected =
        switch (type) {
          case CARD -> PaymentMethod.DetailsCase.CARD;
          case TAPWALLET -> PaymentMethod.DetailsCase.TAPWALLET;
          case GWALLET -> PaymentMethod.DetailsCase.GWALLET;
          case CARRIER_BILLING -> PaymentMethod.DetailsCase.CARRIER_BILLING;
          case SEPA_DEBIT -> PaymentMethod.DetailsCase.SEPA_DEBIT;
          case BOLETO -> PaymentMethod.DetailsCase.BOLETO;
          case UPI -> PaymentMethod.DetailsCase.UPI;
          case GIFT_CARD -> PaymentMethod.DetailsCase.GIFT_CARD;
          case MOBILE_MONEY -> PaymentMethod.DetailsCase.MOBILE_MONEY;
          case PAYLATER -> PaymentMethod.DetailsCase.PAYLATER;
          default -> PaymentMethod.DetailsCase.DETAILS_NOT_SET;
        };
    boolean optional = type == PaymentMethodType.PAYLATER;
    if (m.getDetailsCase() != expected
        && !(optional && m.getDetailsCase() == PaymentMethod.DetailsCase.DETAILS_NOT_SET)) {
      String field =
          expected == PaymentMethod.DetailsCase.DETAILS_NOT_SET
              ? "payment_method"
              : "payment_method." + expected.name().toLowerCase(Locale.ROOT);
      v.field(
          field,
          expected == PaymentMethod.DetailsCase.DETAILS_NOT_SET
              ? type + " takes no details"
              : "is required for " + type);
      return;
    }
    switch (type) {
      case CARD -> {
        if (m.getCard().getTokensCount() == 0 || m.getCard().getTokensCount() > 8) {
          v.field(
              "payment_method.card.tokens",
              "must hold 1..8 provider tokens (tokenize the card at the "
                  + "providers ListPaymentMethods names)");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < m.getCard().getTokensCount(); i++) {
          ProviderToken t = m.getCard().getTokens(i);
          if (!t.getProvider().matches("[a-z0-9]{1,32}") || !seen.add(t.getProvider())) {
            v.field(
                "payment_method.card.tokens[" + i + "].provider", "must be a provider name, once");
          }
          if (!TOKEN.matcher(t.getToken()).matches()) {
            v.field(
                "payment_method.card.tokens[" + i + "].token",
                "must be 1..64 visible ASCII characters");
          }
        }
      }
      case TAPWALLET -> {
        String data = m.getTapwallet().getPaymentData();
        if (data.isEmpty() || data.length() > 8192 || !data.matches("[A-Za-z0-9+/=]+")) {
          v.field(
              "payment_method.tapwallet.payment_data",
              "must be the wallet's base64 payment data (<= 8192)");
        }
        if (m.getTapwallet().getTransactionIdentifier().length() > 128) {
          v.field(
              "payment_method.tapwallet.transaction_identifier", "must be at most 128 characters");
        }
      }
      case GWALLET -> {
        if (m.getGwallet().getToken().isEmpty() || m.getGwallet().getToken().length() > 8192) {
          v.field(
              "payment_method.gwallet.token", "must be the wallet's token (1..8192 characters)");
        }
        if (m.getGwallet().getTokenizationType().length() > 32) {
          v.field("payment_method.gwallet.tokenization_type", "must be at most 32 characters");
        }
      }
      case CARRIER_BILLING -> {
        if (!MSISDN.matcher(m.getCarrierBilling().getMsisdn()).matches()) {
          v.field(
              "payment_method.carrier_billing.msisdn",
              "must be an E.164 number (+ and 8..15 digits)");
        }
      }
      case SEPA_DEBIT -> {
        if (!iban(m.getSepaDebit().getIban())) {
          v.field("payment_method.sepa_debit.iban", "is not a valid IBAN (format or check digits)");
        }
        String holder = m.getSepaDebit().getAccountHolder();
        if (holder.isBlank()
            || holder.length() > 70
            || holder.chars().anyMatch(Character::isISOControl)) {
          v.field("payment_method.sepa_debit.account_holder", "must be 1..70 characters");
        }
      }
      case BOLETO -> {
        String name = m.getBoleto().getPayerName();
        if (name.isBlank()
            || name.length() > 100
            || name.chars().anyMatch(Character::isISOControl)) {
          v.field("payment_method.boleto.payer_name", "must be 1..100 characters");
        }
        if (!cpf(m.getBoleto().getPayerDocument())) {
          v.field(
              "payment_method.boleto.payer_document",
              "is not a valid CPF (11 digits with check digits)");
        }
      }
      case UPI -> {
        if (!VPA.matcher(m.getUpi().getVpa()).matches()) {
          v.field("payment_method.upi.vpa", "must be a virtual payment address like name@bank");
        }
      }
      case GIFT_CARD -> {
        if (!GIFT_CODE.matcher(m.getGiftCard().getCode()).matches()) {
          v.field("payment_method.gift_card.code", "must be 6..32 of A-Z, 0-9 and '-'");
        }
      }
      case MOBILE_MONEY -> {
        if (!KENYA_PHONE.matcher(m.getMobileMoney().getPhone()).matches()) {
          v.field(
              "payment_method.mobile_money.phone",
              "must be a Kenyan mobile number 2547XXXXXXXX or 2541XXXXXXXX");
        }
      }
      case PAYLATER -> {
        String email = m.getPaylater().getEmail();
        if (!email.isEmpty() && (email.length() > 254 || !EMAIL.matcher(email).matches())) {
          v.field("payment_method.paylater.email", "must be a plausible email address (<= 254)");
        }
      }
      default -> {}
    }
  }

  private static boolean url(String url) {
    if (url.length() > 2048) {
      return false;
    }
    try {
      URI u = URI.create(url);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * ISO 13616: country, two check digits, up to 30 alphanumerics; mod 97 of the rearranged number
   * is 1.
   */
  static boolean iban(String raw) {
    String iban = raw.replace(" ", "").toUpperCase(Locale.ROOT);
    if (!iban.matches("[A-Z]{2}\\d{2}[A-Z0-9]{10,30}")) {
      return false;
    }
    StringBuilder digits = new StringBuilder();
    for (char c : (iban.substring(4) + iban.substring(0, 4)).toCharArray()) {
      digits.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
    }
    return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
  }

  /**
   * A Brazilian CPF: 11 digits (dots and dash allowed), not all equal, with its two check digits.
   */
  static boolean cpf(String raw) {
    String d = raw.replaceAll("[.\\-/]", "");
    if (!d.matches("\\d{11}") || d.chars().distinct().count() == 1) {
      return false;
    }
    for (int n = 9; n <= 10; n++) {
      int sum = 0;
      for (int i = 0; i < n; i++) {
        sum += (d.charAt(i) - '0') * (n + 1 - i);
      }
      int check = (sum * 10) % 11 % 10;
      if (check != d.charAt(n) - '0') {
        return false;
      }
    }
    return true;
  }
}

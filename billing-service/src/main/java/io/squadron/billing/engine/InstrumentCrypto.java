package io.squadron.billing.engine;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.squadron.padlock.client.Field;
import io.squadron.padlock.client.FieldCipher;
import io.squadron.proto.billing.v1.PaymentMethod;
import java.util.Locale;

/**
 * Instrument data (provider tokens, IBANs, phone numbers, documents, gift card codes) stored
 * encrypted with Padlock's {@link FieldCipher} under the customer's key of category {@value
 * #CATEGORY}, bound to billing, the table, the column and the customer: a value copied to another
 * customer fails to decrypt, and deleting the customer's keys shreds it. Only a {@link #summary}
 * (never the data) appears in answers and logs.
 */
public final class InstrumentCrypto {
  /** The Padlock key category of payment data. */
  public static final String CATEGORY = "payment";

  static final Field INSTRUMENT = Field.of("payments", "instrument", CATEGORY);

  private final FieldCipher cipher;

  /** Encrypts with {@code cipher} (built for this service). */
  public InstrumentCrypto(FieldCipher cipher) {
    this.cipher = requireNonNull(cipher, "cipher");
  }

  /** The ciphertext of {@code method}'s details for {@code customerId}. */
  public byte[] encrypt(String customerId, PaymentMethod method) {
    return cipher.encrypt(INSTRUMENT, customerId, method.toByteArray());
  }

  /** The details encrypted by {@link #encrypt}. */
  public PaymentMethod decrypt(String customerId, byte[] ciphertext) {
    try {
      return PaymentMethod.parseFrom(cipher.decrypt(INSTRUMENT, customerId, ciphertext));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a decrypted instrument is not a PaymentMethod", e);
    }
  }

  /** A description safe to show and log: no token, no full number. */
  public static String summary(PaymentMethod m) {
    return switch (m.getType()) {
      case CARD -> "card tokenized at " + m.getCard().getTokensCount() + " acquirer(s)";
      case CARRIER_BILLING -> "phone ..." + last(m.getCarrierBilling().getMsisdn(), 4);
      case SEPA_DEBIT -> {
        String iban = m.getSepaDebit().getIban().replace(" ", "").toUpperCase(Locale.ROOT);
        yield "IBAN " + iban.substring(0, Math.min(2, iban.length())) + " ..." + last(iban, 4);
      }
      case UPI -> "VPA ...@" + m.getUpi().getVpa().substring(m.getUpi().getVpa().indexOf('@') + 1);
      case GIFT_CARD -> "gift card ..." + last(m.getGiftCard().getCode(), 4);
      case MOBILE_MONEY -> "phone ..." + last(m.getMobileMoney().getPhone(), 4);
      case BOLETO -> "boleto payer";
      case TAPWALLET, GWALLET -> "device wallet token";
      default -> m.getType().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    };
  }

  private static String last(String s, int n) {
    return s.length() <= n ? s : s.substring(s.length() - n);
  }
}

package io.squadron.providers.sim.provider;

import java.math.BigInteger;
import java.util.Locale;

/**
 * The check-digit schemes real providers validate: Luhn (cards), ISO 13616 (IBAN), ISO 11649 (RF),
 * CPF, CRC16.
 */
public final class Checks {
  private Checks() {}

  /** Whether {@code digits} (12..19 digits) passes the Luhn check. */
  public static boolean luhn(String digits) {
    if (digits == null || !digits.matches("\\d{12,19}")) {
      return false;
    }
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  /** The card brand from the number's prefix. */
  public static String brand(String number) {
    if (number.startsWith("4")) {
      return "visa";
    }
    if (number.matches("5[1-5].*") || number.matches("2(2[2-9]|[3-6]\\d|7[01]|720).*")) {
      return "mastercard";
    }
    if (number.matches("3[47].*")) {
      return "amex";
    }
    return "unknown";
  }

  /** The IBAN without spaces, upper-cased, if its ISO 13616 mod-97 check passes; else null. */
  public static String iban(String raw) {
    if (raw == null) {
      return null;
    }
    String iban = raw.replace(" ", "").toUpperCase(Locale.ROOT);
    if (!iban.matches("[A-Z]{2}\\d{2}[A-Z0-9]{11,30}")) {
      return null;
    }
    return mod97(iban.substring(4) + iban.substring(0, 4)) == 1 ? iban : null;
  }

  /**
   * An ISO 11649 creditor reference {@code RFkk<body>} for an alphanumeric body (at most 21
   * characters).
   */
  public static String creditorReference(String body) {
    String upper = body.toUpperCase(Locale.ROOT);
    int check = 98 - mod97(upper + "RF00");
    return "RF" + String.format(Locale.ROOT, "%02d", check) + upper;
  }

  private static int mod97(String alnum) {
    StringBuilder digits = new StringBuilder();
    for (char c : alnum.toCharArray()) {
      digits.append(Character.digit(c, 36));
    }
    return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue();
  }

  /**
   * Whether {@code cpf} (11 digits) has valid Brazilian CPF check digits and is not all one digit.
   */
  public static boolean cpf(String cpf) {
    if (cpf == null || !cpf.matches("\\d{11}") || cpf.chars().distinct().count() == 1) {
      return false;
    }
    for (int n = 9; n <= 10; n++) {
      int sum = 0;
      for (int i = 0; i < n; i++) {
        sum += (cpf.charAt(i) - '0') * (n + 1 - i);
      }
      int check = sum * 10 % 11 % 10;
      if (check != cpf.charAt(n) - '0') {
        return false;
      }
    }
    return true;
  }

  /**
   * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) as 4 upper-case hex digits: the BR Code (Pix)
   * checksum.
   */
  public static String crc16(String text) {
    int crc = 0xFFFF;
    for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      crc ^= (b & 0xff) << 8;
      for (int i = 0; i < 8; i++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
        crc &= 0xFFFF;
      }
    }
    return String.format(Locale.ROOT, "%04X", crc);
  }

  /** Modulo 10 check digit (weights 2,1 from the right), used in boleto lines. */
  public static int mod10(String digits) {
    int sum = 0;
    int weight = 2;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int p = (digits.charAt(i) - '0') * weight;
      sum += p / 10 + p % 10;
      weight = weight == 2 ? 1 : 2;
    }
    return (10 - sum % 10) % 10;
  }

  /**
   * Modulo 11 check digit (weights 2..9 from the right; 0, 10 and 11 become 1), used in boleto
   * barcodes.
   */
  public static int mod11(String digits) {
    int sum = 0;
    int weight = 2;
    for (int i = digits.length() - 1; i >= 0; i--) {
      sum += (digits.charAt(i) - '0') * weight;
      weight = weight == 9 ? 2 : weight + 1;
    }
    int dv = 11 - sum % 11;
    return dv == 0 || dv == 10 || dv == 11 ? 1 : dv;
  }
}

package io.squadron.billing.callback;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a callback's {@code Squadron-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}: each
 * {@code v1} is HMAC-SHA256 over {@code "<t>.<raw body>"} with one of the provider's secrets.
 * Accepted when any {@code v1} matches any secret billing knows (several during a rotation, on both
 * sides) with a constant-time comparison, and {@code t} is within the tolerance of now (a replayed
 * old callback is refused even with a valid signature).
 */
public final class SignatureVerifier {
  /** Why a callback was refused. */
  public enum Verdict {
    /** Signed by a known secret, recently. */
    VALID,
    /** No header, or not of the form {@code t=...,v1=...}. */
    MALFORMED,
    /** No signature matches any known secret. */
    FORGED,
    /** Signed, but {@code t} is outside the tolerance. */
    EXPIRED
  }

  private final Duration tolerance;

  /** Accepts timestamps within {@code tolerance} of now (300 s, as the providers document). */
  public SignatureVerifier(Duration tolerance) {
    this.tolerance = requireNonNull(tolerance, "tolerance");
  }

  /** Verifies {@code header} over {@code body} with {@code secrets} at {@code now}. */
  public Verdict verify(String header, byte[] body, List<String> secrets, Instant now) {
    if (header == null || header.length() > 4096) {
      return Verdict.MALFORMED;
    }
    Long t = null;
    List<byte[]> signatures = new ArrayList<>();
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 1) {
        return Verdict.MALFORMED;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      try {
        if (key.equals("t")) {
          t = Long.parseLong(value);
        } else if (key.equals("v1")) {
          signatures.add(HexFormat.of().parseHex(value));
        }
      } catch (IllegalArgumentException e) {
        return Verdict.MALFORMED;
      }
    }
    if (t == null || signatures.isEmpty()) {
      return Verdict.MALFORMED;
    }
    byte[] signed = concat((t + ".").getBytes(StandardCharsets.UTF_8), body);
    boolean matched = false;
    for (String secret : secrets) {
      byte[] expected = hmac(secret, signed);
      for (byte[] candidate : signatures) {
        // Every comparison runs: the time taken says nothing about which secret or signature
        // matched.
        matched |= MessageDigest.isEqual(expected, candidate);
      }
    }
    if (!matched) {
      return Verdict.FORGED;
    }
    long skew = Math.abs(now.getEpochSecond() - t);
    return skew <= tolerance.toSeconds() ? Verdict.VALID : Verdict.EXPIRED;
  }

  /**
   * The {@code v1} value of {@code payload} signed at {@code t} with {@code secret} (tests, tools).
   */
  public static String sign(String secret, long t, byte[] payload) {
    return HexFormat.of()
        .formatHex(hmac(secret, concat((t + ".").getBytes(StandardCharsets.UTF_8), payload)));
  }

  private static byte[] hmac(String secret, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

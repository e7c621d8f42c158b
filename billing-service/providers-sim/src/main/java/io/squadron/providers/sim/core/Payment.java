package io.squadron.providers.sim.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One payment as its provider sees it (the provider's "truth"): the merchant's reference, the
 * amount, the provider's own status string and the common {@link Phase}, the money moved ({@link
 * Movement}s, which make the settlement report), the provider-specific details ({@link #attrs}) and
 * the pending timers (expiry, confirmation...).
 *
 * <p>Mutable, guarded by the provider's lock ({@link ProviderState}); serialized as is into the
 * journal.
 */
public final class Payment {
  /** The provider's name. */
  public String provider;

  /** The provider's identifier of the payment. */
  public String id;

  /** The merchant's reference (billing's payment id), as sent by the merchant. */
  public String reference;

  /** Amount requested, minor units. */
  public long amount;

  /** ISO 4217 code. */
  public String currency;

  /**
   * The provider's own status string ({@code succeeded}, {@code AUTHORISED}, {@code CONCLUIDA}...).
   */
  public String status;

  /** The common phase. */
  public Phase phase = Phase.PENDING;

  /** The provider's decline, failure or return code, or null. */
  public String failureCode;

  /** Amount captured or paid so far, minor units. */
  public long capturedAmount;

  /** Amount refunded so far, minor units. */
  public long refundedAmount;

  /** Simulated epoch milliseconds. */
  public long createdMs;

  /** Simulated epoch milliseconds of the last change. */
  public long updatedMs;

  /**
   * When the payment (authorization, voucher, QR code, request) expires, simulated epoch ms; 0 if
   * never.
   */
  public long expiresMs;

  /** How many events were emitted for this payment (makes event ids deterministic). */
  public int eventSeq;

  /** Provider-specific details (card token, VPA, barcode, mandate, ...). */
  public Map<String, String> attrs = new TreeMap<>();

  /** Pending timers: action name to simulated epoch ms. */
  public Map<String, Long> timers = new TreeMap<>();

  /** Money moved, in order. */
  public List<Movement> movements = new ArrayList<>();

  /** The attribute {@code key}, or null. */
  public String attr(String key) {
    return attrs.get(key);
  }

  /** The net amount charged: captured minus refunded, minus what was returned. */
  public long netCharged() {
    long net = 0;
    for (Movement m : movements) {
      net += m.amount;
    }
    return net;
  }
}

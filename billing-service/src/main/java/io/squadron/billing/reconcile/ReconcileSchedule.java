package io.squadron.billing.reconcile;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.PaymentState;
import io.squadron.billing.payment.RouteTable;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.rpc.config.ConfigReader;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * When the reconciler looks at an open payment next. Per method, an interval that grows with the
 * payment's age from {@code initial} to {@code max} (minutes for cards, hours to a day for SEPA
 * debits and vouchers); a payment whose pending action expires is looked at just after its expiry
 * (plus {@code expiry-grace}), so vouchers are followed until they expire; an unknown outcome is
 * retried quickly ({@code unknown-outcome}). Final payments are not looked at again.
 */
public final class ReconcileSchedule {
  /** An interval growing with age from {@code initial} to {@code max}. */
  public record Interval(Duration initial, Duration max) {
    public Interval {
      requireNonNull(initial, "initial");
      requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "interval: " + initial + ".." + max + " (expected: 0 < initial <= max)");
      }
    }

    /** The interval for a payment {@code age} old: a quarter of its age, within the bounds. */
    Duration forAge(Duration age) {
      Duration quarter = age.dividedBy(4);
      return quarter.compareTo(initial) < 0 ? initial : quarter.compareTo(max) > 0 ? max : quarter;
    }
  }

  private final Map<PaymentMethodType, Interval> methods;
  private final Interval fallback;
  private final Interval unknownOutcome;
  private final Duration expiryGrace;

  /**
   * A schedule of per-method intervals, the unknown-outcome interval and the grace after an expiry.
   */
  public ReconcileSchedule(
      Map<PaymentMethodType, Interval> methods,
      Interval fallback,
      Interval unknownOutcome,
      Duration expiryGrace) {
    this.methods = methods.isEmpty() ? Map.of() : new EnumMap<>(methods);
    this.fallback = requireNonNull(fallback, "fallback");
    this.unknownOutcome = requireNonNull(unknownOutcome, "unknownOutcome");
    this.expiryGrace = requireNonNull(expiryGrace, "expiryGrace");
  }

  /** Reads {@code squadron.billing.reconcile}. */
  public static ReconcileSchedule from(Config root) {
    ConfigReader r = ConfigReader.at(root, "squadron.billing.reconcile");
    Map<PaymentMethodType, Interval> methods = new EnumMap<>(PaymentMethodType.class);
    ConfigReader m = r.child("methods");
    for (PaymentMethodType type : PaymentMethodType.values()) {
      if (type == PaymentMethodType.PAYMENT_METHOD_TYPE_UNSPECIFIED
          || type == PaymentMethodType.UNRECOGNIZED) {
        continue;
      }
      String name = RouteTable.configName(type);
      if (m.has(name)) {
        methods.put(type, interval(m.child(name)));
      }
    }
    return new ReconcileSchedule(
        methods,
        interval(r.child("default")),
        interval(r.child("unknown-outcome")),
        r.duration("expiry-grace"));
  }

  private static Interval interval(ConfigReader r) {
    Duration initial = r.positiveDuration("initial");
    Duration max = r.positiveDuration("max");
    if (max.compareTo(initial) < 0) {
      throw new io.squadron.rpc.config.InvalidConfigException(
          r.key("max"), max + " (expected: >= initial " + initial + ")");
    }
    return new Interval(initial, max);
  }

  /**
   * The grace after an expiry before billing acts on its own (cancels what the provider never
   * expires).
   */
  public Duration expiryGrace() {
    return expiryGrace;
  }

  /**
   * When to look at {@code p} next after {@code now}; null when it is final or waits only for its
   * caller.
   */
  public Instant next(PaymentRecord p, Instant now) {
    if (!p.state().isOpen()) {
      return null;
    }
    Duration age = Duration.between(p.createdAt(), now);
    if (age.isNegative()) {
      age = Duration.ZERO;
    }
    if (p.outcomeUnknown() || p.state() == PaymentState.PENDING) {
      return now.plus(unknownOutcome.forAge(age));
    }
    Instant next = now.plus(methods.getOrDefault(p.method(), fallback).forAge(age));
    if (p.expiresAt().isPresent()) {
      Instant afterExpiry = p.expiresAt().get().plus(expiryGrace);
      if (now.isBefore(afterExpiry) && next.isAfter(afterExpiry)) {
        next = afterExpiry;
      }
    }
    return next;
  }
}

package io.squadron.billing.payment;

import static java.util.Objects.requireNonNull;

import io.squadron.proto.billing.v1.PaymentMethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Orders the providers of a payment: the configured candidates for its method and country ({@link
 * RouteTable}), best measured success rate first ({@link SuccessWindow} per provider and method),
 * except that a small share of payments ({@code exploration}) tries a random other candidate first,
 * so a provider that recovered is noticed. The order is also the failover order: the next provider
 * is tried only when one was unavailable (nothing processed).
 */
public final class Router {
  private final RouteTable table;
  private final double exploration;
  private final Duration window;
  private final LongSupplier nanoTime;
  private final DoubleSupplier random;
  private final Map<String, SuccessWindow> windows = new ConcurrentHashMap<>();

  /**
   * @param exploration the share of payments routed to a random non-best candidate first, in [0,
   *     0.5]
   * @param window how far back success rates look
   * @param random uniform doubles in [0, 1)
   */
  public Router(
      RouteTable table,
      double exploration,
      Duration window,
      LongSupplier nanoTime,
      DoubleSupplier random) {
    this.table = requireNonNull(table, "table");
    if (!(exploration >= 0 && exploration <= 0.5)) {
      throw new IllegalArgumentException("exploration: " + exploration + " (expected: 0..0.5)");
    }
    this.exploration = exploration;
    this.window = requireNonNull(window, "window");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.random = requireNonNull(random, "random");
  }

  /** The routing table. */
  public RouteTable table() {
    return table;
  }

  /**
   * The providers to try, in order, among {@code usable} (those the instrument works with), for
   * {@code method} in {@code country}. Empty when none is configured and usable.
   */
  public List<String> order(PaymentMethodType method, String country, List<String> usable) {
    List<String> candidates = new ArrayList<>();
    for (String p : table.providers(method, country)) {
      if (usable.contains(p)) {
        candidates.add(p);
      }
    }
    if (candidates.size() < 2) {
      return candidates;
    }
    List<String> ordered = new ArrayList<>(candidates);
    // Stable: equal rates keep the configured order.
    ordered.sort(Comparator.comparingDouble((String p) -> -rate(p, method)));
    if (random.getAsDouble() < exploration) {
      int pick = 1 + (int) (random.getAsDouble() * (ordered.size() - 1));
      ordered.add(0, ordered.remove(Math.min(pick, ordered.size() - 1)));
    }
    return ordered;
  }

  /**
   * Records the outcome of an attempt at {@code provider}: a definitive answer other than a decline
   * is a success.
   */
  public void record(String provider, PaymentMethodType method, boolean success) {
    windowOf(provider, method).record(success);
  }

  /** The measured success rate of {@code provider} for {@code method} (0.5 without samples). */
  public double rate(String provider, PaymentMethodType method) {
    return windowOf(provider, method).rate();
  }

  private SuccessWindow windowOf(String provider, PaymentMethodType method) {
    return windows.computeIfAbsent(
        provider + "/" + method, k -> new SuccessWindow(window, nanoTime));
  }
}

package io.squadron.deploy.monitoring;

/**
 * One tier of the SRE workbook's multi-window, multi-burn-rate alerts (chapter 5, "Alerting on
 * SLOs"): the error budget of 30 days burns {@code factor} times too fast over both {@code
 * longWindow} and {@code shortWindow}. The long window makes the alert significant, the short one
 * makes it stop soon after the errors do.
 *
 * @param name the alert name's tier ({@code FastBurn}, ...)
 * @param factor the burn rate that fires
 * @param longWindow the long window
 * @param shortWindow the short window (a twelfth of the long one)
 * @param severity {@code page} or {@code ticket}
 */
record BurnRate(
    String name, double factor, String longWindow, String shortWindow, String severity) {
  /** 2% of the budget in 1 h. */
  static final BurnRate FAST = new BurnRate("FastBurn", 14.4, "1h", "5m", "page");

  /** 5% of the budget in 6 h. */
  static final BurnRate SLOW = new BurnRate("SlowBurn", 6, "6h", "30m", "page");

  /** 10% of the budget in 3 days. */
  static final BurnRate BUDGET = new BurnRate("BudgetBurn", 1, "3d", "6h", "ticket");

  /** The tiers, fastest first. */
  static final java.util.List<BurnRate> ALL = java.util.List.of(FAST, SLOW, BUDGET);

  /** Every window a ratio is recorded over. */
  static final java.util.List<String> WINDOWS = java.util.List.of("5m", "30m", "1h", "6h", "3d");

  /** Days until a 30-day budget is gone at this burn rate. */
  double daysToExhaustion() {
    return 30 / factor;
  }

  /** The window's length in minutes. */
  static int minutes(String window) {
    int n = Integer.parseInt(window.substring(0, window.length() - 1));
    return switch (window.charAt(window.length() - 1)) {
      case 'm' -> n;
      case 'h' -> n * 60;
      case 'd' -> n * 24 * 60;
      default -> throw new IllegalArgumentException("window: " + window);
    };
  }
}

package io.squadron.rpc.bench;

import io.grpc.Channel;
import java.time.Duration;

/**
 * Runs the same load against a plain and a Squadron channel: a warm-up each, then two rounds in
 * which the side that goes first alternates, so a trend on a shared machine does not favour one
 * side. Prints one table row per run.
 */
final class SideBySide {
  private final ClosedLoopLoad load;
  private final String plainName;

  /** Both totals after {@link #run}. */
  record Totals(SideTotals plain, SideTotals squadron) {}

  SideBySide(ClosedLoopLoad load, String plainName) {
    this.load = load;
    this.plainName = plainName;
  }

  Totals run(Channel plainChannel, Channel squadronChannel, Duration warmup, Duration round)
      throws InterruptedException {
    System.out.println("warming up both sides...");
    load.run(plainChannel, warmup);
    load.run(squadronChannel, warmup);
    SideTotals plain = new SideTotals();
    SideTotals squadron = new SideTotals();
    System.out.printf(
        "%-8s %-10s %12s %10s %10s %12s %10s%n",
        "round", "side", "qps", "p50_us", "p99_us", "bytes/call", "failed");
    for (int r = 1; r <= 2; r++) {
      boolean plainFirst = r % 2 == 1;
      for (int i = 0; i < 2; i++) {
        boolean isPlain = plainFirst == (i == 0);
        ClosedLoopLoad.Result result = load.run(isPlain ? plainChannel : squadronChannel, round);
        (isPlain ? plain : squadron).add(result);
        System.out.printf(
            "%-8d %-10s %12.0f %10.0f %10.0f %12.0f %10d%n",
            r,
            isPlain ? plainName : "squadron",
            result.qps(),
            result.quantileMicros(0.5),
            result.quantileMicros(0.99),
            result.bytesPerCall(),
            result.failures());
      }
    }
    return new Totals(plain, squadron);
  }
}

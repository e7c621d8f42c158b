package io.squadron.rpc.bench;

/** Sums the rounds of one side of a comparison; p99 is the mean of the rounds' p99s. */
final class SideTotals {
  private long calls;
  private long failures;
  private long allocatedBytes;
  private double seconds;
  private double p99Sum;
  private int rounds;

  void add(ClosedLoopLoad.Result r) {
    calls += r.calls();
    failures += r.failures();
    allocatedBytes += r.allocatedBytes();
    seconds += r.seconds();
    p99Sum += r.quantileMicros(0.99);
    rounds++;
  }

  double qps() {
    return calls / seconds;
  }

  double p99() {
    return p99Sum / rounds;
  }

  /** Bytes allocated per call (client and server of this side together). */
  double bytesPerCall() {
    return calls == 0 ? Double.NaN : (double) allocatedBytes / calls;
  }

  long failures() {
    return failures;
  }
}

package io.squadron.els;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * A low-discrepancy sequence in [0, 1): {@code u_n = frac(u_0 + n * (sqrt(5) - 1) / 2)} (the
 * golden-ratio additive recurrence), with a random start. Fed into the cumulative weights it picks
 * each endpoint in proportion to its weight like independent uniforms would, but spreads the picks
 * of each endpoint evenly in time (for equal weights, at most three distinct gaps between picks,
 * close to round robin), instead of the bunching of a Poisson split. Lock-free: one atomic
 * increment per pick.
 */
final class QuasiRandom implements DoubleSupplier {

  private static final double PHI_FRACTION = (Math.sqrt(5) - 1) / 2;

  private final double start;
  private final AtomicLong index = new AtomicLong();

  QuasiRandom(double start) {
    this.start = start;
  }

  @Override
  public double getAsDouble() {
    long n = index.getAndIncrement();
    // n * PHI_FRACTION loses precision only after ~2^52 picks; reduce n modulo a large period to
    // keep it exact.
    double x = start + (n % (1L << 40)) * PHI_FRACTION;
    return x - Math.floor(x);
  }
}

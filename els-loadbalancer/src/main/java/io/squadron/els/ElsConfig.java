package io.squadron.els;

import static java.util.Objects.requireNonNull;

import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable configuration of the {@code els} policy, parsed from its service-config JSON.
 *
 * <pre>{@code
 * {"els": {
 *   "decayTime": "5s", "latencyExponent": 3, "priorWeight": 1, "parallelismWindow": "5s", "quasiRandom": true,
 *   "slowStartWindow": "3s", "slowStartMinFactor": 0.1, "localRegion": "eu", "overprovisioningFactor": 1.4,
 *   "circuitBreaker": {
 *     "enabled": true, "failureRateMultiple": 2, "minFailureRateDelta": 0.1, "significance": 1e-5,
 *     "minRequestVolume": 1,
 *     "window": "10s", "interval": "0.25s", "baseEjectionTime": "10s", "maxEjectionTime": "60s",
 *     "maxEjectionPercent": 50 }}}
 * }</pre>
 *
 * <p>Every key is optional; a missing key takes the {@code DEFAULT_*} value. Durations are strings
 * in the protobuf JSON form ({@code "1.5s"}) or in milliseconds ({@code "250ms"}). Unknown keys are
 * rejected.
 */
public final class ElsConfig {

  /**
   * Time constant of the forward exponential decay of latencies and success rate (the time bias).
   */
  public static final Duration DEFAULT_DECAY_TIME = Duration.ofSeconds(5);

  /**
   * Exponent of the expected latency in the weight: weight = successRate /
   * expectedLatency^exponent.
   */
  public static final double DEFAULT_LATENCY_EXPONENT = 3.0;

  /** Weight, in requests, of the cluster-wide prior blended into every endpoint's estimates. */
  public static final double DEFAULT_PRIOR_WEIGHT = 1.0;

  /** Time constant of the busy-time sum the parallelism is measured from (Little's law). */
  public static final Duration DEFAULT_PARALLELISM_WINDOW = Duration.ofSeconds(5);

  /**
   * Whether picks use a low-discrepancy sequence (true) or independent uniform random numbers
   * (false).
   */
  public static final boolean DEFAULT_QUASI_RANDOM = true;

  /**
   * How long a new endpoint, or one back from ejection or reconnection, takes to reach its full
   * weight.
   */
  public static final Duration DEFAULT_SLOW_START_WINDOW = Duration.ofSeconds(3);

  /** The share of its weight an endpoint starts its slow start with. */
  public static final double DEFAULT_SLOW_START_MIN_FACTOR = 0.1;

  /**
   * Envoy's overprovisioning factor: the local region keeps all the traffic while at least {@code 1
   * / factor} of its endpoints are in service, and spills the rest over to other regions below
   * that.
   */
  public static final double DEFAULT_OVERPROVISIONING_FACTOR = 1.4;

  /** Whether the relative circuit breaker ejects endpoints. */
  public static final boolean DEFAULT_BREAKER_ENABLED = true;

  /**
   * An endpoint is ejected when its failure rate is at least this multiple of the others' rate...
   */
  public static final double DEFAULT_FAILURE_RATE_MULTIPLE = 2.0;

  /** ...and at least this much (absolute) above it. */
  public static final double DEFAULT_MIN_FAILURE_RATE_DELTA = 0.1;

  /**
   * The breaker ejects only when the chance that an endpoint failing like the others shows such a
   * record is below this (the bound {@code exp(-V KL(f || f_ref))}); see the README.
   */
  public static final double DEFAULT_SIGNIFICANCE = 1e-5;

  /**
   * Decayed request volume an endpoint needs before the breaker judges it (the significance does
   * the rest).
   */
  public static final double DEFAULT_MIN_REQUEST_VOLUME = 1;

  /** Time constant of the decayed request counts the breaker judges by. */
  public static final Duration DEFAULT_BREAKER_WINDOW = Duration.ofSeconds(10);

  /** How often the breaker evaluates the endpoints (and the metrics are refreshed). */
  public static final Duration DEFAULT_BREAKER_INTERVAL = Duration.ofMillis(250);

  /**
   * First ejection time; each consecutive ejection doubles it. Each return of an endpoint that
   * still fails costs every client one failed probe: 10 s saves one per client in the first minute
   * against 5 s, and stays below the 30 s of Envoy's and gRPC xDS's outlier detection.
   */
  public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(10);

  /** Upper bound of the ejection time. */
  public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(60);

  /**
   * At most this percentage of the endpoints is ejected at once (at least one when there are two or
   * more).
   */
  public static final int DEFAULT_MAX_EJECTION_PERCENT = 50;

  private static final ElsConfig DEFAULTS = builder().build();

  private static final Set<String> TOP_KEYS =
      Set.of(
          "decayTime",
          "latencyExponent",
          "priorWeight",
          "parallelismWindow",
          "quasiRandom",
          "slowStartWindow",
          "slowStartMinFactor",
          "localRegion",
          "overprovisioningFactor",
          "circuitBreaker");
  private static final Set<String> BREAKER_KEYS =
      Set.of(
          "enabled",
          "failureRateMultiple",
          "minFailureRateDelta",
          "significance",
          "minRequestVolume",
          "window",
          "interval",
          "baseEjectionTime",
          "maxEjectionTime",
          "maxEjectionPercent");

  private final long decayTimeNanos;
  private final double latencyExponent;
  private final double priorWeight;
  private final long parallelismWindowNanos;
  private final boolean quasiRandom;
  private final long slowStartWindowNanos;
  private final double slowStartMinFactor;
  private final String localRegion;
  private final double overprovisioningFactor;
  private final boolean breakerEnabled;
  private final double failureRateMultiple;
  private final double minFailureRateDelta;
  private final double significance;
  private final double minRequestVolume;
  private final long breakerWindowNanos;
  private final long breakerIntervalNanos;
  private final long baseEjectionTimeNanos;
  private final long maxEjectionTimeNanos;
  private final int maxEjectionPercent;

  private ElsConfig(Builder b) {
    this.decayTimeNanos = b.decayTimeNanos;
    this.latencyExponent = b.latencyExponent;
    this.priorWeight = b.priorWeight;
    this.parallelismWindowNanos = b.parallelismWindowNanos;
    this.quasiRandom = b.quasiRandom;
    this.slowStartWindowNanos = b.slowStartWindowNanos;
    this.slowStartMinFactor = b.slowStartMinFactor;
    this.localRegion = b.localRegion;
    this.overprovisioningFactor = b.overprovisioningFactor;
    this.breakerEnabled = b.breakerEnabled;
    this.failureRateMultiple = b.failureRateMultiple;
    this.minFailureRateDelta = b.minFailureRateDelta;
    this.significance = b.significance;
    this.minRequestVolume = b.minRequestVolume;
    this.breakerWindowNanos = b.breakerWindowNanos;
    this.breakerIntervalNanos = b.breakerIntervalNanos;
    this.baseEjectionTimeNanos = b.baseEjectionTimeNanos;
    this.maxEjectionTimeNanos = b.maxEjectionTimeNanos;
    this.maxEjectionPercent = b.maxEjectionPercent;
  }

  /** Returns the configuration with every value at its default. */
  public static ElsConfig ofDefaults() {
    return DEFAULTS;
  }

  /** Returns a builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses the JSON object of the {@code els} entry of a {@code loadBalancingConfig} list.
   *
   * @return the config, or an {@link Status.Code#INVALID_ARGUMENT INVALID_ARGUMENT} error naming
   *     the bad key
   */
  public static ConfigOrError fromJson(Map<String, ?> json) {
    try {
      return ConfigOrError.fromConfig(parse(json == null ? Map.of() : json));
    } catch (IllegalArgumentException | ClassCastException e) {
      return ConfigOrError.fromError(
          Status.INVALID_ARGUMENT.withDescription("invalid els config: " + e.getMessage()));
    }
  }

  private static ElsConfig parse(Map<String, ?> json) {
    checkKeys(json, TOP_KEYS, "");
    Builder b = builder();
    if (json.containsKey("decayTime")) {
      b.decayTime(duration(json, "decayTime"));
    }
    if (json.containsKey("latencyExponent")) {
      b.latencyExponent(number(json, "latencyExponent"));
    }
    if (json.containsKey("priorWeight")) {
      b.priorWeight(number(json, "priorWeight"));
    }
    if (json.containsKey("parallelismWindow")) {
      b.parallelismWindow(duration(json, "parallelismWindow"));
    }
    if (json.containsKey("quasiRandom")) {
      Object v = json.get("quasiRandom");
      if (!(v instanceof Boolean)) {
        throw new IllegalArgumentException("quasiRandom: " + v + " (expected: true or false)");
      }
      b.quasiRandom((Boolean) v);
    }
    if (json.containsKey("slowStartWindow")) {
      b.slowStartWindow(duration(json, "slowStartWindow"));
    }
    if (json.containsKey("slowStartMinFactor")) {
      b.slowStartMinFactor(number(json, "slowStartMinFactor"));
    }
    if (json.containsKey("localRegion")) {
      Object v = json.get("localRegion");
      if (!(v instanceof String)) {
        throw new IllegalArgumentException(
            "localRegion: " + v + " (expected: a region name such as \"eu\")");
      }
      b.localRegion((String) v);
    }
    if (json.containsKey("overprovisioningFactor")) {
      b.overprovisioningFactor(number(json, "overprovisioningFactor"));
    }
    Object cb = json.get("circuitBreaker");
    if (cb != null) {
      if (!(cb instanceof Map)) {
        throw new IllegalArgumentException("circuitBreaker: expected an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, ?> m = (Map<String, ?>) cb;
      checkKeys(m, BREAKER_KEYS, "circuitBreaker.");
      if (m.containsKey("enabled")) {
        Object v = m.get("enabled");
        if (!(v instanceof Boolean)) {
          throw new IllegalArgumentException(
              "circuitBreaker.enabled: " + v + " (expected: true or false)");
        }
        b.breakerEnabled((Boolean) v);
      }
      if (m.containsKey("failureRateMultiple")) {
        b.failureRateMultiple(number(m, "failureRateMultiple"));
      }
      if (m.containsKey("minFailureRateDelta")) {
        b.minFailureRateDelta(number(m, "minFailureRateDelta"));
      }
      if (m.containsKey("significance")) {
        b.significance(number(m, "significance"));
      }
      if (m.containsKey("minRequestVolume")) {
        b.minRequestVolume(number(m, "minRequestVolume"));
      }
      if (m.containsKey("window")) {
        b.breakerWindow(duration(m, "window"));
      }
      if (m.containsKey("interval")) {
        b.breakerInterval(duration(m, "interval"));
      }
      if (m.containsKey("baseEjectionTime")) {
        b.baseEjectionTime(duration(m, "baseEjectionTime"));
      }
      if (m.containsKey("maxEjectionTime")) {
        b.maxEjectionTime(duration(m, "maxEjectionTime"));
      }
      if (m.containsKey("maxEjectionPercent")) {
        double p = number(m, "maxEjectionPercent");
        if (p != Math.rint(p)) {
          throw new IllegalArgumentException(
              "maxEjectionPercent: " + p + " (expected: an integer)");
        }
        b.maxEjectionPercent((int) p);
      }
    }
    return b.build();
  }

  private static void checkKeys(Map<String, ?> json, Set<String> known, String prefix) {
    for (String key : json.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException("unknown key " + prefix + key);
      }
    }
  }

  private static double number(Map<String, ?> json, String key) {
    Object v = json.get(key);
    if (!(v instanceof Number)) {
      throw new IllegalArgumentException(key + ": " + v + " (expected: a number)");
    }
    return ((Number) v).doubleValue();
  }

  private static Duration duration(Map<String, ?> json, String key) {
    Object v = json.get(key);
    if (!(v instanceof String)) {
      throw new IllegalArgumentException(
          key + ": " + v + " (expected: a duration string such as \"1.5s\")");
    }
    return parseDuration(key, (String) v);
  }

  static Duration parseDuration(String key, String s) {
    try {
      if (s.endsWith("ms")) {
        return Duration.ofNanos(
            Math.round(Double.parseDouble(s.substring(0, s.length() - 2)) * 1e6));
      }
      if (s.endsWith("s")) {
        return Duration.ofNanos(
            Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1e9));
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(
        key + ": \"" + s + "\" (expected: a duration such as \"1.5s\" or \"250ms\")");
  }

  /** Time constant (nanoseconds) of the decay of latencies and success rate. */
  public long decayTimeNanos() {
    return decayTimeNanos;
  }

  /** Exponent of the expected latency in the weight. */
  public double latencyExponent() {
    return latencyExponent;
  }

  /** Weight, in requests, of the cluster-wide prior in each endpoint's estimates. */
  public double priorWeight() {
    return priorWeight;
  }

  /** Time constant (nanoseconds) of the busy-time sum the parallelism is measured from. */
  public long parallelismWindowNanos() {
    return parallelismWindowNanos;
  }

  /** Whether picks use a low-discrepancy sequence rather than independent uniforms. */
  public boolean quasiRandom() {
    return quasiRandom;
  }

  /** Slow-start window in nanoseconds (0: no slow start). */
  public long slowStartWindowNanos() {
    return slowStartWindowNanos;
  }

  /** Weight factor at the start of slow start, in (0, 1]. */
  public double slowStartMinFactor() {
    return slowStartMinFactor;
  }

  /**
   * The region this client runs in, or null: endpoints whose {@link ElsLoadBalancerProvider#REGION}
   * is this region are preferred, the others get what the local region cannot serve (see the
   * README).
   */
  public String localRegion() {
    return localRegion;
  }

  /**
   * Envoy's overprovisioning factor for spilling over to other regions when local endpoints are
   * out.
   */
  public double overprovisioningFactor() {
    return overprovisioningFactor;
  }

  /** Whether the relative circuit breaker is on. */
  public boolean breakerEnabled() {
    return breakerEnabled;
  }

  /** Multiple of the other endpoints' failure rate that marks an endpoint as an outlier. */
  public double failureRateMultiple() {
    return failureRateMultiple;
  }

  /**
   * Minimum absolute excess of failure rate over the others' that marks an endpoint as an outlier.
   */
  public double minFailureRateDelta() {
    return minFailureRateDelta;
  }

  /** The largest chance of a false ejection the breaker accepts per judgement (see the README). */
  public double significance() {
    return significance;
  }

  /** Decayed request volume an endpoint needs before it can be ejected. */
  public double minRequestVolume() {
    return minRequestVolume;
  }

  /** Time constant (nanoseconds) of the breaker's decayed counts. */
  public long breakerWindowNanos() {
    return breakerWindowNanos;
  }

  /** Evaluation period (nanoseconds) of the breaker. */
  public long breakerIntervalNanos() {
    return breakerIntervalNanos;
  }

  /** First ejection time in nanoseconds. */
  public long baseEjectionTimeNanos() {
    return baseEjectionTimeNanos;
  }

  /** Maximum ejection time in nanoseconds. */
  public long maxEjectionTimeNanos() {
    return maxEjectionTimeNanos;
  }

  /** Maximum percentage of endpoints ejected at once. */
  public int maxEjectionPercent() {
    return maxEjectionPercent;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ElsConfig)) {
      return false;
    }
    ElsConfig c = (ElsConfig) o;
    return decayTimeNanos == c.decayTimeNanos
        && latencyExponent == c.latencyExponent
        && priorWeight == c.priorWeight
        && parallelismWindowNanos == c.parallelismWindowNanos
        && quasiRandom == c.quasiRandom
        && slowStartWindowNanos == c.slowStartWindowNanos
        && slowStartMinFactor == c.slowStartMinFactor
        && Objects.equals(localRegion, c.localRegion)
        && overprovisioningFactor == c.overprovisioningFactor
        && breakerEnabled == c.breakerEnabled
        && failureRateMultiple == c.failureRateMultiple
        && minFailureRateDelta == c.minFailureRateDelta
        && significance == c.significance
        && minRequestVolume == c.minRequestVolume
        && breakerWindowNanos == c.breakerWindowNanos
        && breakerIntervalNanos == c.breakerIntervalNanos
        && baseEjectionTimeNanos == c.baseEjectionTimeNanos
        && maxEjectionTimeNanos == c.maxEjectionTimeNanos
        && maxEjectionPercent == c.maxEjectionPercent;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        decayTimeNanos,
        latencyExponent,
        priorWeight,
        parallelismWindowNanos,
        quasiRandom,
        slowStartWindowNanos,
        slowStartMinFactor,
        localRegion,
        overprovisioningFactor,
        breakerEnabled,
        failureRateMultiple,
        minFailureRateDelta,
        significance,
        minRequestVolume,
        breakerWindowNanos,
        breakerIntervalNanos,
        baseEjectionTimeNanos,
        maxEjectionTimeNanos,
        maxEjectionPercent);
  }

  @Override
  public String toString() {
    return "ElsConfig{decayTime="
        + Duration.ofNanos(decayTimeNanos)
        + ", latencyExponent="
        + latencyExponent
        + ", priorWeight="
        + priorWeight
        + ", parallelismWindow="
        + Duration.ofNanos(parallelismWindowNanos)
        + ", quasiRandom="
        + quasiRandom
        + ", slowStartWindow="
        + Duration.ofNanos(slowStartWindowNanos)
        + ", slowStartMinFactor="
        + slowStartMinFactor
        + ", localRegion="
        + localRegion
        + ", overprovisioningFactor="
        + overprovisioningFactor
        + ", breakerEnabled="
        + breakerEnabled
        + ", failureRateMultiple="
        + failureRateMultiple
        + ", minFailureRateDelta="
        + minFailureRateDelta
        + ", significance="
        + significance
        + ", minRequestVolume="
        + minRequestVolume
        + ", breakerWindow="
        + Duration.ofNanos(breakerWindowNanos)
        + ", breakerInterval="
        + Duration.ofNanos(breakerIntervalNanos)
        + ", baseEjectionTime="
        + Duration.ofNanos(baseEjectionTimeNanos)
        + ", maxEjectionTime="
        + Duration.ofNanos(maxEjectionTimeNanos)
        + ", maxEjectionPercent="
        + maxEjectionPercent
        + '}';
  }

  /** Builds an {@link ElsConfig}; every setter validates its argument at once. */
  public static final class Builder {
    private long decayTimeNanos = DEFAULT_DECAY_TIME.toNanos();
    private double latencyExponent = DEFAULT_LATENCY_EXPONENT;
    private double priorWeight = DEFAULT_PRIOR_WEIGHT;
    private long parallelismWindowNanos = DEFAULT_PARALLELISM_WINDOW.toNanos();
    private boolean quasiRandom = DEFAULT_QUASI_RANDOM;
    private long slowStartWindowNanos = DEFAULT_SLOW_START_WINDOW.toNanos();
    private double slowStartMinFactor = DEFAULT_SLOW_START_MIN_FACTOR;
    private String localRegion;
    private double overprovisioningFactor = DEFAULT_OVERPROVISIONING_FACTOR;
    private boolean breakerEnabled = DEFAULT_BREAKER_ENABLED;
    private double failureRateMultiple = DEFAULT_FAILURE_RATE_MULTIPLE;
    private double minFailureRateDelta = DEFAULT_MIN_FAILURE_RATE_DELTA;
    private double significance = DEFAULT_SIGNIFICANCE;
    private double minRequestVolume = DEFAULT_MIN_REQUEST_VOLUME;
    private long breakerWindowNanos = DEFAULT_BREAKER_WINDOW.toNanos();
    private long breakerIntervalNanos = DEFAULT_BREAKER_INTERVAL.toNanos();
    private long baseEjectionTimeNanos = DEFAULT_BASE_EJECTION_TIME.toNanos();
    private long maxEjectionTimeNanos = DEFAULT_MAX_EJECTION_TIME.toNanos();
    private int maxEjectionPercent = DEFAULT_MAX_EJECTION_PERCENT;

    private Builder() {}

    /** Sets the decay time constant (the time bias) of latencies and success rate; > 0. */
    public Builder decayTime(Duration d) {
      decayTimeNanos = positive("decayTime", d);
      return this;
    }

    /** Sets the exponent of the expected latency in the weight; in [0.5, 8]. */
    public Builder latencyExponent(double v) {
      if (!(v >= 0.5 && v <= 8)) {
        throw new IllegalArgumentException("latencyExponent: " + v + " (expected: in [0.5, 8])");
      }
      latencyExponent = v;
      return this;
    }

    /** Sets the weight in requests of the cluster prior in each endpoint's estimates; > 0. */
    public Builder priorWeight(double v) {
      if (!(v > 0 && v < 1e6)) {
        throw new IllegalArgumentException("priorWeight: " + v + " (expected: > 0)");
      }
      priorWeight = v;
      return this;
    }

    /** Sets the time constant of the busy-time sum the parallelism is measured from; > 0. */
    public Builder parallelismWindow(Duration d) {
      parallelismWindowNanos = positive("parallelismWindow", d);
      return this;
    }

    /** Chooses a low-discrepancy sequence (true) or independent uniforms (false) for the picks. */
    public Builder quasiRandom(boolean v) {
      quasiRandom = v;
      return this;
    }

    /** Sets the slow-start window; 0 turns slow start off. */
    public Builder slowStartWindow(Duration d) {
      requireNonNull(d, "slowStartWindow");
      if (d.isNegative()) {
        throw new IllegalArgumentException("slowStartWindow: " + d + " (expected: >= 0)");
      }
      slowStartWindowNanos = d.toNanos();
      return this;
    }

    /** Sets the weight factor at the start of slow start; in (0, 1]. */
    public Builder slowStartMinFactor(double v) {
      if (!(v > 0 && v <= 1)) {
        throw new IllegalArgumentException("slowStartMinFactor: " + v + " (expected: in (0, 1])");
      }
      slowStartMinFactor = v;
      return this;
    }

    /** Sets the region this client runs in; null for none (region-blind); not empty. */
    public Builder localRegion(String region) {
      if (region != null && region.isBlank()) {
        throw new IllegalArgumentException(
            "localRegion: \"" + region + "\" (expected: a region name or none)");
      }
      localRegion = region;
      return this;
    }

    /** Sets Envoy's overprovisioning factor for spilling over to other regions; in [1, 100]. */
    public Builder overprovisioningFactor(double v) {
      if (!(v >= 1 && v <= 100)) {
        throw new IllegalArgumentException(
            "overprovisioningFactor: " + v + " (expected: in [1, 100])");
      }
      overprovisioningFactor = v;
      return this;
    }

    /** Turns the relative circuit breaker on or off. */
    public Builder breakerEnabled(boolean v) {
      breakerEnabled = v;
      return this;
    }

    /** Sets the multiple of the others' failure rate that marks an outlier; >= 1. */
    public Builder failureRateMultiple(double v) {
      if (!(v >= 1 && v < 1e6)) {
        throw new IllegalArgumentException("failureRateMultiple: " + v + " (expected: >= 1)");
      }
      failureRateMultiple = v;
      return this;
    }

    /** Sets the minimum absolute excess failure rate of an outlier; in [0, 1). */
    public Builder minFailureRateDelta(double v) {
      if (!(v >= 0 && v < 1)) {
        throw new IllegalArgumentException("minFailureRateDelta: " + v + " (expected: in [0, 1))");
      }
      minFailureRateDelta = v;
      return this;
    }

    /** Sets the largest accepted chance of a false ejection per judgement; in (0, 0.5). */
    public Builder significance(double v) {
      if (!(v > 0 && v < 0.5)) {
        throw new IllegalArgumentException("significance: " + v + " (expected: in (0, 0.5))");
      }
      significance = v;
      return this;
    }

    /** Sets the decayed request volume an endpoint needs before it can be ejected; >= 1. */
    public Builder minRequestVolume(double v) {
      if (!(v >= 1 && v < 1e9)) {
        throw new IllegalArgumentException("minRequestVolume: " + v + " (expected: >= 1)");
      }
      minRequestVolume = v;
      return this;
    }

    /** Sets the time constant of the breaker's decayed counts; > 0. */
    public Builder breakerWindow(Duration d) {
      breakerWindowNanos = positive("window", d);
      return this;
    }

    /** Sets how often the breaker evaluates; > 0. */
    public Builder breakerInterval(Duration d) {
      breakerIntervalNanos = positive("interval", d);
      return this;
    }

    /** Sets the first ejection time; > 0. */
    public Builder baseEjectionTime(Duration d) {
      baseEjectionTimeNanos = positive("baseEjectionTime", d);
      return this;
    }

    /** Sets the maximum ejection time; > 0 (raised to the base ejection time if lower). */
    public Builder maxEjectionTime(Duration d) {
      maxEjectionTimeNanos = positive("maxEjectionTime", d);
      return this;
    }

    /** Sets the maximum percentage of endpoints ejected at once; in [0, 100]. */
    public Builder maxEjectionPercent(int v) {
      if (v < 0 || v > 100) {
        throw new IllegalArgumentException("maxEjectionPercent: " + v + " (expected: in [0, 100])");
      }
      maxEjectionPercent = v;
      return this;
    }

    /** Returns the immutable config. */
    public ElsConfig build() {
      if (maxEjectionTimeNanos < baseEjectionTimeNanos) {
        maxEjectionTimeNanos = baseEjectionTimeNanos;
      }
      return new ElsConfig(this);
    }

    private static long positive(String name, Duration d) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d.toNanos();
    }
  }
}

package io.squadron.providers.sim;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.squadron.providers.sim.core.SimClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * The simulator's settings: where it listens, its seed, state directory, webhook endpoint, clock
 * and limits. Read from the HOCON namespace {@value #NAMESPACE} ({@link #fromConfig}; defaults in
 * {@code reference.conf}) or built in code ({@link #builder()}). Immutable.
 */
public final class SimSettings {
  /** The configuration namespace. */
  public static final String NAMESPACE = "squadron.providers-sim";

  private static final Set<String> KEYS =
      Set.of(
          "host",
          "port",
          "seed",
          "secret-seed",
          "state-dir",
          "report-dir",
          "webhook-url",
          "public-url",
          "idempotency-ttl",
          "clock",
          "http",
          "webhooks");

  final String host;
  final int port;
  final long seed;
  final String secretSeed;
  final Path stateDir;
  final Path reportDir;
  final String webhookUrl;
  final String publicUrl;
  final Duration idempotencyTtl;
  final SimClock.Mode clockMode;
  final Instant clockStart;
  final int httpThreads;
  final int httpMaxQueue;
  final int maxBodyBytes;
  final int webhookMaxInFlight;
  final Duration webhookTimeout;
  final Duration webhookInitialBackoff;
  final Duration webhookMaxBackoff;
  final int webhookMaxAttempts;

  private SimSettings(Builder b) {
    host = b.host;
    port = b.port;
    seed = b.seed;
    secretSeed = b.secretSeed;
    stateDir = b.stateDir;
    reportDir =
        b.reportDir != null
            ? b.reportDir
            : stateDir != null
                ? stateDir.resolve("reports")
                : Path.of(System.getProperty("java.io.tmpdir"), "providers-sim-reports");
    webhookUrl = b.webhookUrl;
    publicUrl = b.publicUrl;
    idempotencyTtl = b.idempotencyTtl;
    clockMode = b.clockMode;
    clockStart = b.clockStart;
    httpThreads = b.httpThreads;
    httpMaxQueue = b.httpMaxQueue;
    maxBodyBytes = b.maxBodyBytes;
    webhookMaxInFlight = b.webhookMaxInFlight;
    webhookTimeout = b.webhookTimeout;
    webhookInitialBackoff = b.webhookInitialBackoff;
    webhookMaxBackoff = b.webhookMaxBackoff;
    webhookMaxAttempts = b.webhookMaxAttempts;
  }

  /** Builder with the defaults of {@code reference.conf}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port to listen on (0: any free one). */
  public int port() {
    return port;
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The state directory, or null. */
  public Path stateDir() {
    return stateDir;
  }

  /** Where settlement reports are written. */
  public Path reportDir() {
    return reportDir;
  }

  /**
   * Settings from the namespace {@value #NAMESPACE} of {@code root} (resolved, with {@code
   * reference.conf} as fallback). A bad or unknown key is an {@link IllegalArgumentException} that
   * names it.
   */
  public static SimSettings fromConfig(Config root) {
    Config all = root.withFallback(ConfigFactory.defaultReference()).resolve();
    Config c = all.getConfig(NAMESPACE);
    for (String key : c.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            NAMESPACE
                + "."
                + key
                + ": unknown key (expected: one of "
                + new java.util.TreeSet<>(KEYS)
                + ")");
      }
    }
    Builder b = builder();
    try {
      b.host(c.getString("host"));
      b.port(c.getInt("port"));
      b.seed(c.getLong("seed"));
      b.secretSeed(c.getString("secret-seed"));
      String stateDir = c.getString("state-dir");
      if (!stateDir.isBlank()) {
        b.stateDir(Path.of(stateDir));
      }
      String reportDir = c.getString("report-dir");
      if (!reportDir.isBlank()) {
        b.reportDir(Path.of(reportDir));
      }
      b.webhookUrl(c.getString("webhook-url"));
      b.publicUrl(c.getString("public-url"));
      b.idempotencyTtl(c.getDuration("idempotency-ttl"));
      String mode = c.getString("clock.mode");
      try {
        b.clockMode(SimClock.Mode.valueOf(mode.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            NAMESPACE + ".clock.mode: '" + mode + "' (expected: real or manual)");
      }
      try {
        b.clockStart(Instant.parse(c.getString("clock.start")));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            NAMESPACE
                + ".clock.start: '"
                + c.getString("clock.start")
                + "' (expected: an ISO-8601 instant such as 2026-01-01T00:00:00Z)");
      }
      b.httpThreads(c.getInt("http.threads"));
      b.httpMaxQueue(c.getInt("http.max-queue"));
      b.maxBodyBytes(c.getInt("http.max-body-bytes"));
      b.webhookMaxInFlight(c.getInt("webhooks.max-in-flight"));
      b.webhookTimeout(c.getDuration("webhooks.request-timeout"));
      b.webhookBackoff(
          c.getDuration("webhooks.initial-backoff"), c.getDuration("webhooks.max-backoff"));
      b.webhookMaxAttempts(c.getInt("webhooks.max-attempts"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      throw new IllegalArgumentException(
          message.startsWith(NAMESPACE) ? message : NAMESPACE + "." + message, e);
    }
    return b.build();
  }

  /** Builds {@link SimSettings}; every setter checks its value and names it in the error. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private long seed = 1;
    private String secretSeed = "providers-sim-dev";
    private Path stateDir;
    private Path reportDir;
    private String webhookUrl = "";
    private String publicUrl = "";
    private Duration idempotencyTtl = Duration.ofHours(24);
    private SimClock.Mode clockMode = SimClock.Mode.REAL;
    private Instant clockStart = Instant.parse("2026-01-01T00:00:00Z");
    private int httpThreads = 8;
    private int httpMaxQueue = 10_000;
    private int maxBodyBytes = 65_536;
    private int webhookMaxInFlight = 64;
    private Duration webhookTimeout = Duration.ofSeconds(10);
    private Duration webhookInitialBackoff = Duration.ofMillis(500);
    private Duration webhookMaxBackoff = Duration.ofSeconds(30);
    private int webhookMaxAttempts = 12;

    private Builder() {}

    /** The address to bind (default 127.0.0.1). */
    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /** The port (0: any free one). */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    /** The seed of every drawn decision. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The seed of API keys and webhook secrets. */
    public Builder secretSeed(String secretSeed) {
      requireNonNull(secretSeed, "secretSeed");
      if (secretSeed.isBlank()) {
        throw new IllegalArgumentException("secret-seed: empty (expected: a non-blank string)");
      }
      this.secretSeed = secretSeed;
      return this;
    }

    /** The state directory (null: nothing kept across restarts). */
    public Builder stateDir(Path stateDir) {
      this.stateDir = stateDir;
      return this;
    }

    /** The report directory (default: {@code <state-dir>/reports}). */
    public Builder reportDir(Path reportDir) {
      this.reportDir = requireNonNull(reportDir, "reportDir");
      return this;
    }

    /** The webhook URL template ({@code {provider}} replaced), "" for none. */
    public Builder webhookUrl(String webhookUrl) {
      requireNonNull(webhookUrl, "webhookUrl");
      if (!webhookUrl.isBlank() && !webhookUrl.matches("https?://.+")) {
        throw new IllegalArgumentException(
            "webhook-url: '" + webhookUrl + "' (expected: http:// or https:// URL)");
      }
      this.webhookUrl = webhookUrl;
      return this;
    }

    /** The base URL put into redirect links ("" for {@code http://host:port}). */
    public Builder publicUrl(String publicUrl) {
      this.publicUrl = requireNonNull(publicUrl, "publicUrl");
      return this;
    }

    /** How long (simulated) an idempotency key is remembered. */
    public Builder idempotencyTtl(Duration ttl) {
      requireNonNull(ttl, "idempotencyTtl");
      if (ttl.toMinutes() < 1) {
        throw new IllegalArgumentException("idempotency-ttl: " + ttl + " (expected: >= 1 minute)");
      }
      this.idempotencyTtl = ttl;
      return this;
    }

    /** The clock mode. */
    public Builder clockMode(SimClock.Mode mode) {
      this.clockMode = requireNonNull(mode, "clockMode");
      return this;
    }

    /** The start of a MANUAL clock. */
    public Builder clockStart(Instant start) {
      this.clockStart = requireNonNull(start, "clockStart");
      return this;
    }

    /** HTTP worker threads. */
    public Builder httpThreads(int threads) {
      if (threads < 1 || threads > 512) {
        throw new IllegalArgumentException("http.threads: " + threads + " (expected: 1..512)");
      }
      this.httpThreads = threads;
      return this;
    }

    /** Requests waiting for a worker before the acceptor itself runs them (back-pressure). */
    public Builder httpMaxQueue(int maxQueue) {
      if (maxQueue < 1) {
        throw new IllegalArgumentException("http.max-queue: " + maxQueue + " (expected: >= 1)");
      }
      this.httpMaxQueue = maxQueue;
      return this;
    }

    /** The largest request body accepted (413 above). */
    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes < 1024) {
        throw new IllegalArgumentException(
            "http.max-body-bytes: " + maxBodyBytes + " (expected: >= 1024)");
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** Webhook requests under way at once. */
    public Builder webhookMaxInFlight(int n) {
      if (n < 1 || n > 4096) {
        throw new IllegalArgumentException("webhooks.max-in-flight: " + n + " (expected: 1..4096)");
      }
      this.webhookMaxInFlight = n;
      return this;
    }

    /** The timeout of one webhook request. */
    public Builder webhookTimeout(Duration timeout) {
      requireNonNull(timeout, "webhookTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            "webhooks.request-timeout: " + timeout + " (expected: > 0)");
      }
      this.webhookTimeout = timeout;
      return this;
    }

    /** The first and the largest pause between webhook attempts. */
    public Builder webhookBackoff(Duration initial, Duration max) {
      requireNonNull(initial, "initial");
      requireNonNull(max, "max");
      if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "webhooks.initial-backoff/max-backoff: "
                + initial
                + "/"
                + max
                + " (expected: 1 ms <= initial <= max)");
      }
      this.webhookInitialBackoff = initial;
      this.webhookMaxBackoff = max;
      return this;
    }

    /** Attempts per event before it is given up. */
    public Builder webhookMaxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException(
            "webhooks.max-attempts: " + attempts + " (expected: >= 1)");
      }
      this.webhookMaxAttempts = attempts;
      return this;
    }

    /** The settings. */
    public SimSettings build() {
      return new SimSettings(this);
    }
  }
}

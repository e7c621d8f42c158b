package io.squadron.deploy.prometheus;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small client of Prometheus's HTTP API ({@code /api/v1}): instant queries, range queries, active
 * targets and readiness. Values come back as doubles ({@code NaN} and infinities included, as
 * Prometheus writes them).
 *
 * <pre>{@code
 * PrometheusClient prometheus = new PrometheusClient(URI.create("http://127.0.0.1:24100"));
 * String promql = "sum by (service) (rate(squadron_rpc_server_duration_seconds_count[1m]))";
 * for (PrometheusClient.Sample s : prometheus.query(promql)) {
 *   System.out.println(s.labels().get("service") + " " + s.value());
 * }
 * }</pre>
 */
public final class PrometheusClient {
  /** Default time limit of one request. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI baseUrl;
  private final HttpClient http;
  private final Duration timeout;

  /** A client of the server at {@code baseUrl} (e.g. {@code http://127.0.0.1:24100}). */
  public PrometheusClient(URI baseUrl) {
    this(
        baseUrl,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(),
        DEFAULT_TIMEOUT);
  }

  /** A client with its own HTTP client and per-request time limit. */
  public PrometheusClient(URI baseUrl, HttpClient http, Duration timeout) {
    this.baseUrl = requireNonNull(baseUrl, "baseUrl");
    this.http = requireNonNull(http, "http");
    this.timeout = requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
  }

  /** The server's base URL. */
  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * One sample of an instant query: the series' labels (with {@code __name__} if it has one) and
   * its value.
   */
  public record Sample(Map<String, String> labels, Instant time, double value) {
    public Sample {
      labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
  }

  /** One series of a range query. */
  public record Series(Map<String, String> labels, List<Point> points) {
    public Series {
      labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
      points = List.copyOf(points);
    }
  }

  /** One point of a range query's series. */
  public record Point(Instant time, double value) {}

  /**
   * One active scrape target: its labels (after relabelling), health ({@code up}, {@code down},
   * {@code unknown}).
   */
  public record Target(
      Map<String, String> labels, String scrapeUrl, String health, String lastError) {
    public Target {
      labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
  }

  /**
   * Evaluates {@code promql} now. A vector answers one sample per series; a scalar answers one
   * sample without labels.
   *
   * @throws PrometheusQueryException when the query does not parse or fails, or the server cannot
   *     be reached
   */
  public List<Sample> query(String promql) {
    return query(promql, null);
  }

  /** Evaluates {@code promql} at {@code time} ({@code null}: now). */
  public List<Sample> query(String promql, Instant time) {
    requireNonNull(promql, "promql");
    String params = "query=" + encode(promql) + (time == null ? "" : "&time=" + seconds(time));
    JsonNode data = get("/api/v1/query?" + params, promql);
    String type = data.path("resultType").asText();
    List<Sample> samples = new ArrayList<>();
    switch (type) {
      case "vector" ->
          data.path("result")
              .forEach(
                  r ->
                      samples.add(
                          new Sample(
                              labels(r.path("metric")),
                              time(r.path("value").get(0)),
                              value(r.path("value").get(1)))));
      case "scalar" ->
          samples.add(
              new Sample(
                  Map.of(), time(data.path("result").get(0)), value(data.path("result").get(1))));
      case "matrix" ->
          throw new PrometheusQueryException(
              "bad_data",
              "'" + promql + "' is a range vector; use queryRange or wrap it in a function",
              null);
      default ->
          throw new PrometheusQueryException(
              "bad_data", "unexpected result type '" + type + "' for '" + promql + "'", null);
    }
    return samples;
  }

  /**
   * Evaluates {@code promql} from {@code start} to {@code end} every {@code step}.
   *
   * @throws PrometheusQueryException when the query does not parse or fails, or the server cannot
   *     be reached
   */
  public List<Series> queryRange(String promql, Instant start, Instant end, Duration step) {
    requireNonNull(promql, "promql");
    requireNonNull(start, "start");
    requireNonNull(end, "end");
    requireNonNull(step, "step");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException(
          "end: " + end + " (expected: not before start " + start + ")");
    }
    if (step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException("step: " + step + " (expected: > 0)");
    }
    JsonNode data =
        get(
            "/api/v1/query_range?query="
                + encode(promql)
                + "&start="
                + seconds(start)
                + "&end="
                + seconds(end)
                + "&step="
                + step.toMillis() / 1000.0,
            promql);
    List<Series> series = new ArrayList<>();
    data.path("result")
        .forEach(
            r -> {
              List<Point> points = new ArrayList<>();
              r.path("values").forEach(v -> points.add(new Point(time(v.get(0)), value(v.get(1)))));
              series.add(new Series(labels(r.path("metric")), points));
            });
    return series;
  }

  /** The active scrape targets. */
  public List<Target> activeTargets() {
    JsonNode data = get("/api/v1/targets?state=active", "targets");
    List<Target> targets = new ArrayList<>();
    data.path("activeTargets")
        .forEach(
            t ->
                targets.add(
                    new Target(
                        labels(t.path("labels")),
                        t.path("scrapeUrl").asText(),
                        t.path("health").asText(),
                        t.path("lastError").asText())));
    return targets;
  }

  /** Whether the server answers {@code /-/ready} with 200. */
  public boolean ready() {
    try {
      return http.send(
                  HttpRequest.newBuilder(baseUrl.resolve("/-/ready")).timeout(timeout).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private JsonNode get(String pathAndQuery, String what) {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(baseUrl.resolve(pathAndQuery)).timeout(timeout).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new PrometheusQueryException(
          "unreachable", "cannot reach Prometheus at " + baseUrl + " for '" + what + "': " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusQueryException(
          "unreachable", "interrupted while asking Prometheus for '" + what + "'", e);
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new PrometheusQueryException(
          "bad_response",
          "Prometheus at "
              + baseUrl
              + " answered HTTP "
              + response.statusCode()
              + " with no JSON for '"
              + what
              + "'",
          e);
    }
    if (!"success".equals(body.path("status").asText())) {
      throw new PrometheusQueryException(
          body.path("errorType").asText("unknown"),
          "Prometheus refused '"
              + what
              + "' ("
              + body.path("errorType").asText()
              + "): "
              + body.path("error").asText(),
          null);
    }
    return body.path("data");
  }

  private static Map<String, String> labels(JsonNode metric) {
    Map<String, String> labels = new LinkedHashMap<>();
    metric.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  private static Instant time(JsonNode seconds) {
    double s = seconds.asDouble();
    long whole = (long) Math.floor(s);
    return Instant.ofEpochSecond(whole, Math.round((s - whole) * 1e9));
  }

  private static double value(JsonNode text) {
    String v = text.asText();
    return switch (v) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(v);
    };
  }

  private static String seconds(Instant t) {
    return t.getEpochSecond() + "." + String.format("%03d", t.getNano() / 1_000_000);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

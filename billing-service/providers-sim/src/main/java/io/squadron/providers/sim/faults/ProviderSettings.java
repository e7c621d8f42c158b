package io.squadron.providers.sim.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.http.ApiError;
import io.squadron.providers.sim.http.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the control API sets per provider: injected request faults (latency, 5xx, timeouts with
 * unknown outcome), injected declines, callback faults, and the simulated customer. Immutable;
 * {@link #DEFAULTS} is a healthy provider with a customer who does nothing unless told.
 *
 * <p>JSON form (every key optional; {@link #parse} starts from the defaults, {@link #merge} from
 * the current value):
 *
 * <pre>
 * {"latency_ms": {"min": 0, "max": 0},
 *  "error": {"rate": 0.0, "status": 503},
 *  "timeout": {"rate": 0.0, "mode": "drop", "commit_rate": 1.0, "hang_ms": 30000},
 *  "apply_to": "all",
 *  "decline": {"rate": 0.0, "codes": []},
 *  "callbacks": {"drop_rate": 0.0, "duplicate_rate": 0.0, "reorder_rate": 0.0, "reorder_hold_ms": 1000,
 *                "delay_rate": 0.0, "delay_ms": {"min": 0, "max": 0}, "timestamp_skew_seconds": 0},
 *  "customer": {"auto": false, "approve_rate": 1.0, "after_seconds": 1}}
 * </pre>
 */
public final class ProviderSettings {
  /** A healthy provider. */
  public static final ProviderSettings DEFAULTS = new ProviderSettings(Json.object());

  private static final Set<String> KEYS =
      Set.of("latency_ms", "error", "timeout", "apply_to", "decline", "callbacks", "customer");

  /** Injected latency before the request is processed, uniform in [min, max] ms. */
  public final long latencyMinMs;

  /** See {@link #latencyMinMs}. */
  public final long latencyMaxMs;

  /** Probability of answering with {@link #errorStatus} without processing. */
  public final double errorRate;

  /** 500, 502, 503 or 504. */
  public final int errorStatus;

  /** Probability of a timeout with unknown outcome. */
  public final double timeoutRate;

  /**
   * {@code drop}: close the connection without an answer; {@code hang}: answer nothing for {@link
   * #hangMs}.
   */
  public final String timeoutMode;

  /**
   * Of the timeouts, the share where the request was processed (charged) before the answer was
   * lost.
   */
  public final double timeoutCommitRate;

  /** How long a hung request keeps its connection before it is closed, ms. */
  public final long hangMs;

  /** {@code all} requests or only {@code mutating} ones get request faults. */
  public final String applyTo;

  /** Probability of an injected decline at each decision point. */
  public final double declineRate;

  /** The decline codes to draw from (the provider's first code when empty). */
  public final List<String> declineCodes;

  /** Callback faults: probability an event is never delivered. */
  public final double callbackDropRate;

  /** Probability an event is delivered twice. */
  public final double callbackDuplicateRate;

  /** Probability an event is held back so later events overtake it. */
  public final double callbackReorderRate;

  /** How long a reordered event is held back, ms. */
  public final long reorderHoldMs;

  /** Probability an event is delayed by [min, max] ms. */
  public final double callbackDelayRate;

  /** See {@link #callbackDelayRate}. */
  public final long callbackDelayMinMs;

  /** See {@link #callbackDelayRate}. */
  public final long callbackDelayMaxMs;

  /** Added to the signature timestamp (tests a receiver's 300 s tolerance). */
  public final long timestampSkewSeconds;

  /** Whether the simulated customer acts on its own after {@link #customerAfterSeconds}. */
  public final boolean autoCustomer;

  /** Probability the automatic customer approves (else declines or abandons). */
  public final double approveRate;

  /** Simulated seconds until the automatic customer acts. */
  public final long customerAfterSeconds;

  private final ObjectNode json;

  private ProviderSettings(ObjectNode in) {
    for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw ApiError.badField(
            key, "unknown setting (expected: one of " + new java.util.TreeSet<>(KEYS) + ")");
      }
    }
    ObjectNode latency = obj(in, "latency_ms");
    latencyMinMs = Json.optionalLong(latency, "min", "latency_ms.min", 0, 600_000, 0);
    latencyMaxMs =
        Json.optionalLong(latency, "max", "latency_ms.max", latencyMinMs, 600_000, latencyMinMs);
    ObjectNode error = obj(in, "error");
    errorRate = rate(error, "rate", "error.rate", 0);
    errorStatus = (int) Json.optionalLong(error, "status", "error.status", 500, 504, 503);
    ObjectNode timeout = obj(in, "timeout");
    timeoutRate = rate(timeout, "rate", "timeout.rate", 0);
    timeoutMode = oneOf(timeout, "mode", "timeout.mode", List.of("drop", "hang"), "drop");
    timeoutCommitRate = rate(timeout, "commit_rate", "timeout.commit_rate", 1);
    hangMs = Json.optionalLong(timeout, "hang_ms", "timeout.hang_ms", 1, 600_000, 30_000);
    applyTo = oneOf(in, "apply_to", "apply_to", List.of("all", "mutating"), "all");
    ObjectNode decline = obj(in, "decline");
    declineRate = rate(decline, "rate", "decline.rate", 0);
    List<String> codes = new ArrayList<>();
    JsonNode codesNode = decline.get("codes");
    if (codesNode != null && !codesNode.isNull()) {
      if (!codesNode.isArray()) {
        throw ApiError.badField("decline.codes", "expected an array of strings");
      }
      for (JsonNode c : codesNode) {
        if (!c.isTextual() || c.asText().isBlank()) {
          throw ApiError.badField("decline.codes", "expected an array of non-blank strings");
        }
        codes.add(c.asText());
      }
    }
    declineCodes = List.copyOf(codes);
    ObjectNode callbacks = obj(in, "callbacks");
    callbackDropRate = rate(callbacks, "drop_rate", "callbacks.drop_rate", 0);
    callbackDuplicateRate = rate(callbacks, "duplicate_rate", "callbacks.duplicate_rate", 0);
    callbackReorderRate = rate(callbacks, "reorder_rate", "callbacks.reorder_rate", 0);
    reorderHoldMs =
        Json.optionalLong(
            callbacks, "reorder_hold_ms", "callbacks.reorder_hold_ms", 1, 600_000, 1_000);
    callbackDelayRate = rate(callbacks, "delay_rate", "callbacks.delay_rate", 0);
    ObjectNode delay = obj(callbacks, "delay_ms");
    callbackDelayMinMs = Json.optionalLong(delay, "min", "callbacks.delay_ms.min", 0, 3_600_000, 0);
    callbackDelayMaxMs =
        Json.optionalLong(
            delay,
            "max",
            "callbacks.delay_ms.max",
            callbackDelayMinMs,
            3_600_000,
            callbackDelayMinMs);
    timestampSkewSeconds =
        Json.optionalLong(
            callbacks,
            "timestamp_skew_seconds",
            "callbacks.timestamp_skew_seconds",
            -86_400,
            86_400,
            0);
    ObjectNode customer = obj(in, "customer");
    autoCustomer = Json.optionalBoolean(customer, "auto", "customer.auto", false);
    approveRate = rate(customer, "approve_rate", "customer.approve_rate", 1);
    customerAfterSeconds =
        Json.optionalLong(customer, "after_seconds", "customer.after_seconds", 0, 86_400 * 30, 1);
    json = render();
  }

  /**
   * Settings from JSON, starting from the defaults; a bad value is an {@link ApiError} naming it.
   */
  public static ProviderSettings parse(JsonNode node, Set<String> allowedDeclineCodes) {
    if (node == null || node.isNull()) {
      return DEFAULTS;
    }
    if (!node.isObject()) {
      throw ApiError.badField("body", "expected a JSON object of settings");
    }
    ProviderSettings settings = new ProviderSettings((ObjectNode) node);
    for (String code : settings.declineCodes) {
      if (!allowedDeclineCodes.contains(code)) {
        throw ApiError.badField(
            "decline.codes",
            "'"
                + code
                + "' is not a decline code of this provider (expected: "
                + "one of "
                + new java.util.TreeSet<>(allowedDeclineCodes)
                + ")");
      }
    }
    return settings;
  }

  /**
   * These settings with {@code patch} merged in (objects merged key by key, other values replaced).
   */
  public ProviderSettings merge(JsonNode patch, Set<String> allowedDeclineCodes) {
    if (patch == null || !patch.isObject()) {
      throw ApiError.badField("body", "expected a JSON object of settings");
    }
    ObjectNode merged = json.deepCopy();
    deepMerge(merged, (ObjectNode) patch);
    return parse(merged, allowedDeclineCodes);
  }

  private static void deepMerge(ObjectNode target, ObjectNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode existing = target.get(e.getKey());
      if (existing != null && existing.isObject() && e.getValue().isObject()) {
        deepMerge((ObjectNode) existing, (ObjectNode) e.getValue());
      } else {
        target.set(e.getKey(), e.getValue());
      }
    }
  }

  /** The full JSON form (every key with its value). */
  public ObjectNode toJson() {
    return json.deepCopy();
  }

  private ObjectNode render() {
    ObjectNode out = Json.object();
    out.putObject("latency_ms").put("min", latencyMinMs).put("max", latencyMaxMs);
    out.putObject("error").put("rate", errorRate).put("status", errorStatus);
    out.putObject("timeout")
        .put("rate", timeoutRate)
        .put("mode", timeoutMode)
        .put("commit_rate", timeoutCommitRate)
        .put("hang_ms", hangMs);
    out.put("apply_to", applyTo);
    ObjectNode decline = out.putObject("decline").put("rate", declineRate);
    ArrayNode codes = decline.putArray("codes");
    declineCodes.forEach(codes::add);
    ObjectNode callbacks = out.putObject("callbacks");
    callbacks
        .put("drop_rate", callbackDropRate)
        .put("duplicate_rate", callbackDuplicateRate)
        .put("reorder_rate", callbackReorderRate)
        .put("reorder_hold_ms", reorderHoldMs)
        .put("delay_rate", callbackDelayRate);
    callbacks.putObject("delay_ms").put("min", callbackDelayMinMs).put("max", callbackDelayMaxMs);
    callbacks.put("timestamp_skew_seconds", timestampSkewSeconds);
    out.putObject("customer")
        .put("auto", autoCustomer)
        .put("approve_rate", approveRate)
        .put("after_seconds", customerAfterSeconds);
    return out;
  }

  private static ObjectNode obj(ObjectNode parent, String field) {
    ObjectNode node = Json.optionalObject(parent, field, field);
    return node == null ? Json.object() : node;
  }

  private static double rate(JsonNode parent, String field, String path, double dflt) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return dflt;
    }
    if (!node.isNumber() || node.asDouble() < 0 || node.asDouble() > 1) {
      throw ApiError.badField(path, node + " (expected: a probability 0.0..1.0)");
    }
    return node.asDouble();
  }

  private static String oneOf(
      JsonNode parent, String field, String path, List<String> allowed, String dflt) {
    String value = Json.optionalString(parent, field, path, 32);
    if (value == null) {
      return dflt;
    }
    if (!allowed.contains(value)) {
      throw ApiError.badField(path, "'" + value + "' (expected: one of " + allowed + ")");
    }
    return value;
  }
}

package io.squadron.providers.sim.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.engine.Simulator;
import io.squadron.providers.sim.engine.Simulator.Reply;
import io.squadron.providers.sim.faults.ProviderSettings;
import io.squadron.providers.sim.http.ApiError;
import io.squadron.providers.sim.http.Json;
import io.squadron.providers.sim.provider.Provider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's own API under {@code /_control} (no authentication: it listens on loopback and is
 * for tests, benchmarks and local runs). Every answer is JSON; errors are {@code {"error": {"code",
 * "message", "param"}}}. The README lists every endpoint.
 */
public final class ControlApi {
  private static final Pattern PROVIDER_PATH = Pattern.compile("/providers/([a-z0-9]+)(/.*)?");
  private static final Pattern PAYMENT_ACTION =
      Pattern.compile("/payments/([^/]+)/actions/([a-z0-9_-]+)");
  private static final Pattern PAYMENT = Pattern.compile("/payments/([^/]+)");
  private static final Pattern OPERATION = Pattern.compile("/ops/([a-z0-9_-]+)");
  private static final Pattern REDELIVER = Pattern.compile("/events/([^/]+)/redeliver");

  private final Simulator sim;
  private final Path reportDir;

  /**
   * The control API of {@code sim}; reports go to {@code reportDir} unless a request names another
   * directory.
   */
  public ControlApi(Simulator sim, Path reportDir) {
    this.sim = sim;
    this.reportDir = reportDir;
  }

  /** Handles {@code method path} (the path below {@code /_control}). */
  public Reply handle(String method, String path, Map<String, String> query, byte[] rawBody) {
    try {
      ObjectNode body = "GET".equals(method) ? Json.object() : Json.parseObject(rawBody);
      JsonNode out = dispatch(method, path, query, body);
      return new Reply(200, Json.write(out).getBytes(StandardCharsets.UTF_8), false);
    } catch (ApiError e) {
      ObjectNode error = Json.object();
      ObjectNode inner =
          error.putObject("error").put("code", e.code()).put("message", e.getMessage());
      if (e.field() != null) {
        inner.put("param", e.field());
      }
      return new Reply(e.status(), Json.write(error).getBytes(StandardCharsets.UTF_8), false);
    }
  }

  private JsonNode dispatch(
      String method, String path, Map<String, String> query, ObjectNode body) {
    switch (method + " " + path) {
      case "GET /health":
        return Json.object()
            .put("status", "ok")
            .put("providers", sim.providers().size())
            .put("now", Instant.ofEpochMilli(sim.nowMs()).toString());
      case "GET /providers":
        return providers();
      case "GET /credentials":
        return sim.credentialsJson();
      case "GET /clock":
        return sim.clockJson();
      case "POST /clock/advance":
        {
          long seconds = Json.requiredLong(body, "seconds", "seconds", 0, 3_650L * 86_400);
          int fired = sim.advance(seconds * 1000);
          return sim.clockJson().put("timers_fired", fired);
        }
      case "GET /webhook-endpoint":
        return Json.object().put("url", sim.webhooks().endpoint());
      case "PUT /webhook-endpoint":
        {
          String url = Json.optionalString(body, "url", "url", 2048);
          if (url != null && !url.matches("https?://[^\\s]+")) {
            throw ApiError.badField("url", "'" + url + "' is not an http(s) URL");
          }
          sim.webhookEndpoint(url);
          return Json.object().put("url", url);
        }
      case "GET /faults":
        return allSettings();
      case "PUT /faults":
      case "PATCH /faults":
        for (Provider p : sim.providers()) {
          sim.updateSettings(p.name(), body, "PATCH".equals(method));
        }
        return allSettings();
      case "POST /reset":
        {
          boolean faults = Json.optionalBoolean(body, "faults", "faults", true);
          boolean state = Json.optionalBoolean(body, "state", "state", false);
          sim.reset(faults, state);
          return Json.object().put("faults_reset", faults).put("state_reset", state);
        }
      case "GET /events":
        {
          int limit = parseInt(query.getOrDefault("limit", "100"), "limit", 1, 10_000);
          return sim.webhooks().list(query.get("provider"), query.get("state"), limit);
        }
      case "GET /stats":
        return sim.statsJson();
      case "GET /audit":
        return sim.audit();
      case "POST /reports":
        return reports(body);
      default:
        break;
    }
    Matcher m = REDELIVER.matcher(path);
    if (m.matches() && "POST".equals(method)) {
      if (!sim.webhooks().redeliver(m.group(1))) {
        throw ApiError.notFound("event", m.group(1));
      }
      return Json.object().put("redelivering", m.group(1));
    }
    m = PROVIDER_PATH.matcher(path);
    if (m.matches()) {
      return provider(method, m.group(1), m.group(2) == null ? "" : m.group(2), query, body);
    }
    throw new ApiError(
        404,
        "not_found",
        "no control endpoint "
            + method
            + " /_control"
            + path
            + " (see the README of providers-sim)");
  }

  private JsonNode provider(
      String method, String name, String rest, Map<String, String> query, ObjectNode body) {
    Provider p = sim.provider(name);
    if (p == null) {
      throw new ApiError(
          404, "unknown_provider", "provider: '" + name + "' is not simulated", "provider");
    }
    switch (method + " " + rest) {
      case "GET /faults":
        return sim.settings(name).toJson();
      case "PUT /faults":
        return sim.updateSettings(name, body, false).toJson();
      case "PATCH /faults":
        return sim.updateSettings(name, body, true).toJson();
      case "POST /webhook-secrets/rotate":
        return secrets(sim.rotateWebhookSecret(name));
      case "POST /webhook-secrets/retire":
        return secrets(sim.retireWebhookSecrets(name));
      case "GET /payments":
        {
          String reference = query.get("reference");
          if (reference == null || reference.isBlank()) {
            throw ApiError.badField("reference", "query parameter missing");
          }
          return sim.truthByReference(name, reference);
        }
      default:
        break;
    }
    Matcher m = PAYMENT_ACTION.matcher(rest);
    if (m.matches() && "POST".equals(method)) {
      return sim.customerAction(name, m.group(1), m.group(2), body);
    }
    m = PAYMENT.matcher(rest);
    if (m.matches() && "GET".equals(method)) {
      return sim.truth(name, m.group(1));
    }
    m = OPERATION.matcher(rest);
    if (m.matches() && "POST".equals(method)) {
      return sim.controlOperation(name, m.group(1), body);
    }
    throw new ApiError(
        404, "not_found", "no control endpoint " + method + " /_control/providers/" + name + rest);
  }

  private ArrayNode providers() {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Provider p : sim.providers()) {
      ObjectNode n =
          out.addObject()
              .put("name", p.name())
              .put("display_name", p.displayName())
              .put("method", p.method())
              .put("base_url", sim.publicUrl() + "/" + p.name());
      ArrayNode actions = n.putArray("customer_actions");
      p.customerActions().forEach(actions::add);
      ArrayNode ops = n.putArray("control_operations");
      p.controlOperations().forEach(ops::add);
      ArrayNode codes = n.putArray("decline_codes");
      p.declineCodes().forEach(codes::add);
    }
    return out;
  }

  private ObjectNode allSettings() {
    ObjectNode out = Json.object();
    for (Provider p : sim.providers()) {
      ProviderSettings s = sim.settings(p.name());
      out.set(p.name(), s.toJson());
    }
    return out;
  }

  private static ObjectNode secrets(List<String> secrets) {
    ObjectNode out = Json.object();
    ArrayNode array = out.putArray("webhook_secrets");
    secrets.forEach(array::add);
    return out;
  }

  private JsonNode reports(ObjectNode body) {
    LocalDate today = Instant.ofEpochMilli(sim.nowMs()).atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate from = date(body, "from", LocalDate.of(1970, 1, 1));
    LocalDate to = date(body, "to", today);
    if (to.isBefore(from)) {
      throw ApiError.badField("to", to + " is before from " + from);
    }
    String dir = Json.optionalString(body, "dir", "dir", 4096);
    Path target = dir == null ? reportDir : Path.of(dir);
    List<Provider> chosen = new ArrayList<>();
    JsonNode names = body.get("providers");
    if (names == null || names.isNull()) {
      chosen.addAll(sim.providers());
    } else {
      if (!names.isArray()) {
        throw ApiError.badField("providers", "expected an array of provider names");
      }
      for (JsonNode n : names) {
        Provider p = sim.provider(n.asText());
        if (p == null) {
          throw ApiError.badField("providers", "'" + n.asText() + "' is not a simulated provider");
        }
        chosen.add(p);
      }
    }
    ObjectNode out =
        Json.object()
            .put("from", from.toString())
            .put("to", to.toString())
            .put("dir", target.toAbsolutePath().toString());
    ArrayNode files = out.putArray("reports");
    for (Provider p : chosen) {
      SettlementReports.Written w = SettlementReports.write(sim, p, from, to, target);
      files
          .addObject()
          .put("provider", w.provider())
          .put("file", w.file().toAbsolutePath().toString())
          .put("rows", w.rows());
    }
    return out;
  }

  private static LocalDate date(ObjectNode body, String field, LocalDate dflt) {
    String value = Json.optionalString(body, field, field, 10);
    if (value == null) {
      return dflt;
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiError.badField(field, "'" + value + "' (expected: a date YYYY-MM-DD)");
    }
  }

  private static int parseInt(String value, String field, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw ApiError.badField(field, n + " (expected: " + min + ".." + max + ")");
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.badField(field, "'" + value + "' (expected: an integer)");
    }
  }
}

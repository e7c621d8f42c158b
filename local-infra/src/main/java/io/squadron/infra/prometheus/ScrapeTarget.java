package io.squadron.infra.prometheus;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One endpoint Prometheus scrapes, with the labels it attaches to every series scraped from it.
 *
 * @param address {@code host:port} of the HTTP endpoint serving {@code /metrics}
 * @param labels target labels (names as Prometheus allows them, not starting with {@code __});
 *     {@code instance} defaults to the address
 */
public record ScrapeTarget(String address, Map<String, String> labels) {
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}");

  public ScrapeTarget {
    requireNonNull(address, "address");
    requireNonNull(labels, "labels");
    if (!HOST_PORT.matcher(address).matches()) {
      throw new IllegalArgumentException("address: '" + address + "' (expected: host:port)");
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      requireNonNull(label.getValue(), "labels." + label.getKey());
      if (!LABEL_NAME.matcher(label.getKey()).matches() || label.getKey().startsWith("__")) {
        throw new IllegalArgumentException(
            "labels: '"
                + label.getKey()
                + "' (expected: a Prometheus label name, [a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
      }
    }
    labels = Map.copyOf(new TreeMap<>(labels));
  }

  /** This target as one file_sd entry: {@code {"targets": ["host:port"], "labels": {...}}}. */
  String toJson() {
    StringBuilder json =
        new StringBuilder("{\"targets\":[").append(quote(address)).append("],\"labels\":{");
    String sep = "";
    for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
      json.append(sep).append(quote(label.getKey())).append(':').append(quote(label.getValue()));
      sep = ",";
    }
    return json.append("}}").toString();
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}

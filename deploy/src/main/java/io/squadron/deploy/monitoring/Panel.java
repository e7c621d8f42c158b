package io.squadron.deploy.monitoring;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One graph of a dashboard: a title, the unit of its values (Grafana's unit ids: {@code reqps},
 * {@code s}, {@code percentunit}, {@code short}), its PromQL queries, and how it is drawn.
 *
 * @param title the panel's title
 * @param description one line shown as the panel's help
 * @param unit Grafana's unit id
 * @param kind {@code timeseries} or {@code stat}
 * @param queries the queries, each drawn as its series
 */
record Panel(String title, String description, String unit, String kind, List<Query> queries) {
  Panel {
    requireNonNull(title, "title");
    requireNonNull(description, "description");
    requireNonNull(unit, "unit");
    requireNonNull(kind, "kind");
    queries = List.copyOf(queries);
    if (queries.isEmpty()) {
      throw new IllegalArgumentException(
          "queries: none for panel '" + title + "' (expected: at least one)");
    }
  }

  /** A time-series graph of one query. */
  static Panel graph(String title, String description, String unit, String expr, String legend) {
    return new Panel(title, description, unit, "timeseries", List.of(new Query(expr, legend)));
  }

  /**
   * One PromQL query and its legend ({@code {{label}}} placeholders).
   *
   * @param expr the PromQL
   * @param legend the series' legend
   */
  record Query(String expr, String legend) {
    Query {
      requireNonNull(expr, "expr");
      requireNonNull(legend, "legend");
    }
  }

  /** A titled row of panels. */
  record Row(String title, List<Panel> panels) {
    Row {
      requireNonNull(title, "title");
      panels = List.copyOf(panels);
    }
  }
}

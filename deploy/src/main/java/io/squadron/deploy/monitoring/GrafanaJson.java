package io.squadron.deploy.monitoring;

import static io.squadron.deploy.render.Documents.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Grafana's dashboard JSON (schema 39): a data source variable ({@code ${datasource}}, any
 * Prometheus), rows of panels two to a line, each query with its legend. Imported as is through
 * Grafana's UI or provisioning.
 */
final class GrafanaJson {
  private static final int WIDTH = 12;
  private static final int HEIGHT = 8;

  private GrafanaJson() {}

  static Map<String, Object> dashboard(
      String uid, String title, String description, List<Panel.Row> rows) {
    List<Object> panels = new ArrayList<>();
    int id = 1;
    int y = 0;
    for (Panel.Row row : rows) {
      panels.add(
          map(
              "id",
              id++,
              "type",
              "row",
              "title",
              row.title(),
              "collapsed",
              false,
              "gridPos",
              map("h", 1, "w", 24, "x", 0, "y", y),
              "panels",
              List.of()));
      y++;
      for (int i = 0; i < row.panels().size(); i++) {
        panels.add(panel(row.panels().get(i), id++, (i % 2) * WIDTH, y + (i / 2) * HEIGHT));
      }
      y += ((row.panels().size() + 1) / 2) * HEIGHT;
    }
    return map(
        "uid",
        uid,
        "title",
        title,
        "description",
        description,
        "tags",
        List.of("squadron", "generated"),
        "timezone",
        "browser",
        "editable",
        true,
        "graphTooltip",
        1,
        "schemaVersion",
        39,
        "version",
        1,
        "refresh",
        "10s",
        "time",
        map("from", "now-1h", "to", "now"),
        "templating",
        map(
            "list",
            List.of(
                map(
                    "name",
                    "datasource",
                    "label",
                    "Prometheus",
                    "type",
                    "datasource",
                    "query",
                    "prometheus",
                    "current",
                    map(),
                    "hide",
                    0,
                    "refresh",
                    1,
                    "options",
                    List.of()))),
        "annotations",
        map("list", List.of()),
        "links",
        List.of(),
        "panels",
        panels);
  }

  private static Map<String, Object> panel(Panel panel, int id, int x, int y) {
    List<Object> targets = new ArrayList<>();
    char ref = 'A';
    for (Panel.Query q : panel.queries()) {
      targets.add(
          map(
              "refId",
              String.valueOf(ref++),
              "datasource",
              datasource(),
              "expr",
              q.expr(),
              "legendFormat",
              q.legend(),
              "range",
              true));
    }
    Map<String, Object> options =
        panel.kind().equals("stat")
            ? map(
                "reduceOptions",
                map("calcs", List.of("lastNotNull"), "fields", "", "values", false),
                "colorMode",
                "value",
                "graphMode",
                "none",
                "textMode",
                "value_and_name")
            : map(
                "legend",
                map("displayMode", "list", "placement", "bottom", "showLegend", true),
                "tooltip",
                map("mode", "multi", "sort", "desc"));
    return map(
        "id", id,
        "type", panel.kind(),
        "title", panel.title(),
        "description", panel.description(),
        "datasource", datasource(),
        "gridPos", map("h", HEIGHT, "w", WIDTH, "x", x, "y", y),
        "fieldConfig", map("defaults", map("unit", panel.unit()), "overrides", List.of()),
        "options", options,
        "targets", targets);
  }

  private static Map<String, Object> datasource() {
    return map("type", "prometheus", "uid", "${datasource}");
  }
}

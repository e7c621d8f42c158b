package io.squadron.deploy.monitoring;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.squadron.rpc.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A service's own dashboard rows, for the metrics only it exports (Padlock's cache layers,
 * billing's providers): {@value #FILE} beside its descriptor. The generated dashboard of the
 * service shows them after the rows every service gets.
 *
 * <pre>
 * dashboard.rows = [
 *   { title = "Cache layers", panels = [
 *     { title = "Hit ratio per layer", unit = percentunit, description = "hits / lookups, per layer"
 *       queries = [{ expr = "sum by (layer) (rate(padlock_cache_requests_total{result=\"hit\"}[1m])) / ...",
 *                    legend = "{{layer}}" }] }
 *   ] }
 * ]
 * </pre>
 *
 * Keys: {@code title}, {@code panels}; per panel {@code title}, {@code unit} (Grafana's unit id,
 * default {@code short}), {@code description}, {@code kind} ({@code timeseries} or {@code stat}),
 * {@code queries}; per query {@code expr}, {@code legend}. Unknown keys are refused.
 */
final class ServicePanels {
  /** The file name, beside {@code squadron-service.conf} in the module's resources. */
  static final String FILE = "squadron-dashboard.conf";

  private static final Set<String> ROW_KEYS = Set.of("title", "panels");
  private static final Set<String> PANEL_KEYS =
      Set.of("title", "unit", "description", "kind", "queries");
  private static final Set<String> QUERY_KEYS = Set.of("expr", "legend");

  private ServicePanels() {}

  /** The rows in {@code file}, none if there is no such file. */
  static List<Panel.Row> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    Config config;
    try {
      config =
          ConfigFactory.parseFile(
                  file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
              .resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException(file.toString(), e.getMessage());
    }
    List<Panel.Row> rows = new ArrayList<>();
    List<? extends Config> rowConfigs = list(config, file.toString(), "dashboard.rows");
    for (int r = 0; r < rowConfigs.size(); r++) {
      String at = file + ": dashboard.rows[" + r + "]";
      Config row = checked(rowConfigs.get(r), at, ROW_KEYS);
      List<Panel> panels = new ArrayList<>();
      List<? extends Config> panelConfigs = list(row, at, "panels");
      for (int p = 0; p < panelConfigs.size(); p++) {
        String panelAt = at + ".panels[" + p + "]";
        Config panel = checked(panelConfigs.get(p), panelAt, PANEL_KEYS);
        List<Panel.Query> queries = new ArrayList<>();
        List<? extends Config> queryConfigs = list(panel, panelAt, "queries");
        for (int q = 0; q < queryConfigs.size(); q++) {
          String queryAt = panelAt + ".queries[" + q + "]";
          Config query = checked(queryConfigs.get(q), queryAt, QUERY_KEYS);
          queries.add(
              new Panel.Query(
                  string(query, queryAt, "expr", null), string(query, queryAt, "legend", "")));
        }
        String kind = string(panel, panelAt, "kind", "timeseries");
        if (!kind.equals("timeseries") && !kind.equals("stat")) {
          throw new InvalidConfigException(
              panelAt + ".kind", "'" + kind + "' (expected: timeseries or stat)");
        }
        if (queries.isEmpty()) {
          throw new InvalidConfigException(
              panelAt + ".queries", "empty (expected: at least one query)");
        }
        panels.add(
            new Panel(
                string(panel, panelAt, "title", null),
                string(panel, panelAt, "description", ""),
                string(panel, panelAt, "unit", "short"),
                kind,
                queries));
      }
      rows.add(new Panel.Row(string(row, at, "title", null), panels));
    }
    return rows;
  }

  private static Config checked(Config config, String at, Set<String> keys) {
    for (String key : config.root().keySet()) {
      if (!keys.contains(key)) {
        throw new InvalidConfigException(
            at + "." + key, "unknown key (expected one of: " + new java.util.TreeSet<>(keys) + ")");
      }
    }
    return config;
  }

  private static List<? extends Config> list(Config config, String at, String key) {
    try {
      return config.getConfigList(key);
    } catch (ConfigException e) {
      throw new InvalidConfigException(at + "." + key, "missing or not a list of objects");
    }
  }

  /**
   * The non-empty string at {@code key}, or {@code fallback} when it is absent ({@code null}:
   * required).
   */
  private static String string(Config config, String at, String key, String fallback) {
    if (!config.hasPath(key)) {
      if (fallback == null) {
        throw new InvalidConfigException(at + "." + key, "missing");
      }
      return fallback;
    }
    try {
      String value = config.getString(key);
      if (value.isBlank() && fallback == null) {
        throw new InvalidConfigException(at + "." + key, "empty");
      }
      return value;
    } catch (ConfigException e) {
      throw new InvalidConfigException(at + "." + key, "not a string");
    }
  }
}

package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The monitoring configuration as shipped in {@code grafana/}: the Prometheus scrape config, the
 * alert and recording rules, the Grafana dashboards, and the metric names their expressions read.
 */
final class Monitoring {

  static final Path GRAFANA = Path.of("..", "grafana").toAbsolutePath().normalize();
  static final Path PROMETHEUS_CONFIG = GRAFANA.resolve("prometheus.yml");
  static final Path RULES = GRAFANA.resolve("rules");
  static final Path RULE_TESTS = RULES.resolve("tests");
  static final Path DASHBOARDS = GRAFANA.resolve("dashboards");
  static final Path PROVISIONING = GRAFANA.resolve("provisioning");
  static final Path RUNBOOK = GRAFANA.resolveSibling("docs").resolve("runbook.md");

  /** Where compose mounts {@link #RULES}, as {@code rule_files} names it. */
  static final String RULE_FILES_IN_CONTAINER = "/etc/prometheus/rules/*.yml";

  /** Names TrackFlow itself exports; MetricsScrapeIT and ClusterEndToEndIT find them in real scrapes. */
  static final Pattern TRACKFLOW_METRIC = Pattern.compile("(?:trackflow|vertx|jvm|process|system)_[a-z0-9_]+");

  /** Series Prometheus makes itself: one per scrape target, one per pending or firing alert. */
  static final Set<String> PROMETHEUS_METRICS = Set.of("up", "ALERTS");

  /**
   * Metrics the dashboards and rules read from services other than TrackFlow, by scrape job. None of
   * them exists in a test here (no exporter runs; Debian's ClickHouse 18.16 has no Prometheus
   * endpoint); the names are those of the exporters' sources for the images compose runs.
   */
  static final Map<String, Set<String>> EXPORTER_METRICS = Map.of(
      "kafka-exporter", Set.of("kafka_brokers", "kafka_topic_partition_current_offset",
          "kafka_topic_partition_under_replicated_partition", "kafka_consumergroup_lag",
          "kafka_consumergroup_members"),
      "clickhouse", Set.of("ClickHouseProfileEvents_SelectQuery", "ClickHouseProfileEvents_InsertQuery",
          "ClickHouseProfileEvents_FailedQuery", "ClickHouseProfileEvents_InsertedRows",
          "ClickHouseProfileEvents_DelayedInserts", "ClickHouseProfileEvents_RejectedInserts",
          "ClickHouseMetrics_Query", "ClickHouseMetrics_HTTPConnection", "ClickHouseMetrics_MemoryTracking",
          "ClickHouseAsyncMetrics_MaxPartCountForPartition"),
      "redis-exporter", Set.of("redis_up", "redis_memory_used_bytes", "redis_memory_max_bytes",
          "redis_commands_processed_total", "redis_connected_clients", "redis_evicted_keys_total"),
      "postgres-exporter", Set.of("pg_up", "pg_stat_database_numbackends", "pg_settings_max_connections",
          "pg_stat_database_xact_commit", "pg_stat_database_xact_rollback", "pg_database_size_bytes"),
      "nginx-exporter", Set.of("nginx_up", "nginx_http_requests_total", "nginx_connections_active",
          "nginx_connections_reading", "nginx_connections_writing", "nginx_connections_waiting",
          "nginx_connections_accepted", "nginx_connections_handled"));

  private static final Set<String> PROMQL_KEYWORDS = Set.of("and", "or", "unless", "bool", "offset",
      "by", "without", "on", "ignoring", "group_left", "group_right", "atan2", "inf", "nan");
  private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$(?:\\{(\\w+)(?::\\w+)?}|(\\w+))");

  private Monitoring() {}

  /** One Grafana dashboard file. */
  record Dashboard(Path file, JsonObject json) {

    String uid() {
      return json.getString("uid");
    }

    /** Every panel, those inside collapsed rows included. */
    List<JsonObject> panels() {
      List<JsonObject> all = new ArrayList<>();
      for (Object p : json.getJsonArray("panels", new JsonArray())) {
        JsonObject panel = (JsonObject) p;
        all.add(panel);
        panel.getJsonArray("panels", new JsonArray()).forEach(inner -> all.add((JsonObject) inner));
      }
      return all;
    }

    List<JsonObject> variables() {
      return json.getJsonObject("templating", new JsonObject()).getJsonArray("list", new JsonArray())
          .stream().map(JsonObject.class::cast).toList();
    }

    /** Each panel query's PromQL, keyed by "panel title (#id) refId"; titles repeat across rows. */
    Map<String, String> queries() {
      Map<String, String> queries = new LinkedHashMap<>();
      for (JsonObject panel : panels()) {
        for (Object t : panel.getJsonArray("targets", new JsonArray())) {
          JsonObject target = (JsonObject) t;
          queries.put(panel.getString("title") + " (#" + panel.getInteger("id") + ") " + target.getString("refId"),
              target.getString("expr"));
        }
      }
      return queries;
    }
  }

  static List<Dashboard> dashboards() {
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      List<Dashboard> dashboards = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        dashboards.add(new Dashboard(file, new JsonObject(Files.readString(file))));
      }
      assertThat(dashboards).as("dashboards in %s", DASHBOARDS).isNotEmpty();
      return dashboards;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One alerting or recording rule. */
  record Rule(Path file, String group, Map<String, Object> yaml) {

    boolean isAlert() {
      return yaml.containsKey("alert");
    }

    String name() {
      return (String) (isAlert() ? yaml.get("alert") : yaml.get("record"));
    }

    String expr() {
      return (String) yaml.get("expr");
    }

    @SuppressWarnings("unchecked")
    Map<String, String> labels() {
      return (Map<String, String>) yaml.getOrDefault("labels", Map.of());
    }

    @SuppressWarnings("unchecked")
    Map<String, String> annotations() {
      return (Map<String, String>) yaml.getOrDefault("annotations", Map.of());
    }
  }

  /** The rule files Prometheus loads: the {@code *.yml} directly in {@link #RULES} (not its tests). */
  static List<Path> ruleFiles() {
    try (Stream<Path> files = Files.list(RULES)) {
      return files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** promtool's unit tests of the rules. */
  static List<Path> ruleTestFiles() {
    try (Stream<Path> files = Files.list(RULE_TESTS)) {
      List<Path> tests = files.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList();
      assertThat(tests).as("rule tests in %s", RULE_TESTS).isNotEmpty();
      return tests;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    for (Path file : ruleFiles()) {
      Map<String, Object> doc = (Map<String, Object>) yaml(file);
      for (Object g : (List<Object>) doc.get("groups")) {
        Map<String, Object> group = (Map<String, Object>) g;
        for (Object r : (List<Object>) group.get("rules")) {
          rules.add(new Rule(file, (String) group.get("name"), (Map<String, Object>) r));
        }
      }
    }
    assertThat(rules).as("rules in %s", RULES).isNotEmpty();
    return rules;
  }

  static Object yaml(Path file) {
    try {
      return new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every PromQL expression of the dashboards and the rules. */
  static List<String> expressions() {
    List<String> all = new ArrayList<>();
    dashboards().forEach(d -> all.addAll(d.queries().values()));
    rules().forEach(r -> all.add(r.expr()));
    return all;
  }

  /**
   * The metric names an expression reads: identifiers left once strings, Grafana variables, label
   * matchers, ranges, grouping label lists and numbers are taken out, other than functions and
   * keywords. Recording rule names (with a colon) are included.
   */
  static Set<String> metricNames(String promql) {
    String s = promql
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`", " ")
        .replaceAll(GRAFANA_VARIABLE.pattern(), " ")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
        .replaceAll("\\boffset\\s+\\w+", " ")
        .replaceAll("(?<![\\w:])\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?(?![\\w:])", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(s);
    while (m.find()) {
      if (m.group(2) == null && !PROMQL_KEYWORDS.contains(m.group(1).toLowerCase())) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Every name TrackFlow itself must export for the dashboards and alerts to work. */
  static Set<String> trackflowMetricNames() {
    Set<String> names = new TreeSet<>();
    for (String expr : expressions()) {
      metricNames(expr).stream().filter(n -> TRACKFLOW_METRIC.matcher(n).matches()).forEach(names::add);
    }
    assertThat(names).as("TrackFlow metric names in %s", GRAFANA).isNotEmpty();
    return names;
  }

  /**
   * A dashboard query as Prometheus receives it with every variable at "All": role and instance
   * match anything, and the rate window is one minute.
   */
  static String withVariablesFilled(String query) {
    return query.replace("$__rate_interval", "1m").replace("$role", ".*").replace("$instance", ".*");
  }

  /** The Grafana variables ({@code $name}, {@code ${name}}) a text uses. */
  static Set<String> variablesIn(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = GRAFANA_VARIABLE.matcher(text);
    while (m.find()) {
      names.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return names;
  }

  /** Visits every JSON object in a tree, the root included. */
  static void eachObject(Object node, Consumer<JsonObject> visitor) {
    if (node instanceof JsonObject object) {
      visitor.accept(object);
      object.forEach(e -> eachObject(e.getValue(), visitor));
    } else if (node instanceof JsonArray array) {
      array.forEach(e -> eachObject(e, visitor));
    }
  }
}

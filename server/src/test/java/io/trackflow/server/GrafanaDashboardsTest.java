package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.server.Monitoring.Dashboard;
import io.trackflow.server.Monitoring.Rule;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provisioned Grafana dashboards and data source: identities Grafana needs unique, variables
 * declared before use, the data source chosen by a variable rather than a hard-coded uid, PromQL
 * that Prometheus parses, and metric names that exist (TrackFlow's are checked against real
 * scrapes by MetricsScrapeIT and ClusterEndToEndIT; the exporters' are listed in {@link Monitoring}).
 */
class GrafanaDashboardsTest {

  private static final JsonObject DATASOURCE_VARIABLE =
      new JsonObject().put("type", "prometheus").put("uid", "${datasource}");
  /** Grafana's own annotation source ("Annotations & Alerts"), not a Prometheus. */
  private static final JsonObject GRAFANA_BUILT_IN = new JsonObject().put("type", "grafana").put("uid", "-- Grafana --");
  private static final Set<String> GRAFANA_BUILT_IN_VARIABLES =
      Set.of("__rate_interval", "__interval", "__range", "__interval_ms", "__range_s");
  private static final Pattern HTTP_SERVER_SELECTOR =
      Pattern.compile("vertx_http_server_(?:requests_total|response_time_seconds_bucket)(\\{[^}]*})?");

  @TempDir Path dir;

  @Test
  @DisplayName("Dashboards have fixed, unique uids and titles, and panel ids unique within each dashboard")
  void identitiesAreUnique() {
    Set<String> uids = new HashSet<>();
    Set<String> titles = new HashSet<>();
    for (Dashboard dashboard : Monitoring.dashboards()) {
      assertThat(dashboard.uid()).as("uid of %s", dashboard.file()).matches("[a-z0-9-]{1,40}");
      assertThat(uids.add(dashboard.uid())).as("uid %s of %s is unique", dashboard.uid(), dashboard.file()).isTrue();
      assertThat(titles.add(dashboard.json().getString("title"))).as("title of %s is unique", dashboard.file()).isTrue();
      assertThat(dashboard.json().containsKey("id")).as("%s carries no database id", dashboard.file()).isFalse();
      List<Integer> ids = dashboard.panels().stream().map(p -> p.getInteger("id")).toList();
      assertThat(ids).as("panel ids of %s", dashboard.file()).doesNotContainNull().doesNotHaveDuplicates();
    }
  }

  @Test
  @DisplayName("Each dashboard declares a Prometheus $datasource variable; the overview filters by role and instance with multi-value variables; every variable used is declared")
  void variablesAreDeclared() {
    for (Dashboard dashboard : Monitoring.dashboards()) {
      Map<String, JsonObject> declared = new LinkedHashMap<>();
      dashboard.variables().forEach(v -> declared.put(v.getString("name"), v));
      JsonObject datasource = declared.get("datasource");
      assertThat(datasource).as("$datasource in %s", dashboard.file()).isNotNull();
      assertThat(datasource.getString("type")).isEqualTo("datasource");
      assertThat(datasource.getString("query")).isEqualTo("prometheus");

      Set<String> used = new TreeSet<>();
      Monitoring.eachObject(dashboard.json(), o -> o.forEach(e -> {
        if (e.getValue() instanceof String text) {
          used.addAll(Monitoring.variablesIn(text));
        }
      }));
      used.removeAll(GRAFANA_BUILT_IN_VARIABLES);
      assertThat(declared.keySet()).as("variables %s uses", dashboard.file()).containsAll(used);
    }
    Dashboard overview = dashboard("trackflow-overview");
    for (String name : List.of("role", "instance")) {
      JsonObject variable = overview.variables().stream().filter(v -> name.equals(v.getString("name")))
          .findFirst().orElseThrow(() -> new AssertionError("$" + name + " in the overview"));
      assertThat(variable.getString("type")).isEqualTo("query");
      assertThat(variable.getString("definition")).startsWith("label_values(");
      assertThat(variable.getBoolean("multi")).as("$%s multi-value", name).isTrue();
      assertThat(variable.getBoolean("includeAll")).as("$%s includes All", name).isTrue();
      // A series without the label (a process not discovered by role) still matches All.
      assertThat(variable.getString("allValue")).isEqualTo(".*");
    }
    assertThat(overview.queries().values()).as("overview queries of TrackFlow series filter by role and instance")
        .filteredOn(q -> q.contains("trackflow_") && !q.contains(":"))
        .allSatisfy(q -> assertThat(q).contains("role=~\"$role\"", "instance=~\"$instance\""));
  }

  @Test
  @DisplayName("Every panel, query and variable takes its data source from ${datasource}; no data source uid is written into a dashboard")
  void dataSourceComesFromTheVariable() {
    String provisionedUid = provisionedDatasource().get("uid").toString();
    for (Dashboard dashboard : Monitoring.dashboards()) {
      for (JsonObject panel : dashboard.panels()) {
        if (!"row".equals(panel.getString("type"))) {
          assertThat(panel.getJsonObject("datasource")).as("datasource of panel %s in %s", panel.getString("title"),
              dashboard.file()).isEqualTo(DATASOURCE_VARIABLE);
          assertThat(panel.getJsonArray("targets")).as("queries of panel %s", panel.getString("title")).isNotEmpty();
        }
      }
      List<JsonObject> references = new ArrayList<>();
      Monitoring.eachObject(dashboard.json(), o -> {
        if (o.getValue("datasource") instanceof JsonObject ds) {
          references.add(ds);
        }
      });
      assertThat(references).as("data source references in %s", dashboard.file())
          .isNotEmpty().allSatisfy(ds -> assertThat(ds).isIn(DATASOURCE_VARIABLE, GRAFANA_BUILT_IN));
      List<String> uids = new ArrayList<>();
      Monitoring.eachObject(dashboard.json(), o -> uids.add(o.getString("uid")));
      assertThat(uids).as("uids in %s", dashboard.file()).doesNotContain(provisionedUid);
    }
  }

  @Test
  @DisplayName("Collector and query HTTP panels are split: every HTTP request or latency query selects either the collector's hit routes or every other route")
  void httpPanelsAreSplitByRole() {
    Set<String> routeMatchers = Set.of("route=~\"/i|/api/event\"", "route!~\"/i|/api/event|/tracker.js\"");
    Set<String> seen = new TreeSet<>();
    for (Dashboard dashboard : Monitoring.dashboards()) {
      dashboard.queries().forEach((panel, expr) -> {
        Matcher m = HTTP_SERVER_SELECTOR.matcher(expr);
        while (m.find()) {
          String matchers = m.group(1) == null ? "" : m.group(1);
          String route = routeMatchers.stream().filter(matchers::contains).findFirst()
              .orElseThrow(() -> new AssertionError(panel + " mixes collector and query requests: " + expr));
          seen.add(route);
        }
      });
    }
    assertThat(seen).as("collector and query HTTP panels").isEqualTo(routeMatchers);
  }

  @Test
  @DisplayName("Every panel query and variable query parses as PromQL (promtool check rules on a rule file holding each, Grafana variables filled in)")
  void queriesParse() throws IOException {
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
    int n = 0;
    for (Dashboard dashboard : Monitoring.dashboards()) {
      List<String> queries = new ArrayList<>(dashboard.queries().values());
      for (JsonObject variable : dashboard.variables()) {
        if ("query".equals(variable.getString("type"))) {
          // label_values(selector, label) is Grafana's; the selector is PromQL.
          queries.add(variable.getString("definition").replaceAll("^label_values\\((.*), *\\w+\\)$", "$1"));
        }
      }
      for (String query : queries) {
        rules.append("      - record: dashboard:query").append(n++).append("\n        expr: ")
            .append(Json.encode(Monitoring.withVariablesFilled(query))).append('\n'); // a JSON string is a YAML scalar
      }
    }
    Path file = dir.resolve("dashboard-queries.yml");
    Files.writeString(file, rules);
    assertThat(Promtool.check("check", "rules", file.toString())).contains("SUCCESS: " + n + " rules found");
  }

  @Test
  @DisplayName("Every metric the dashboards and alert rules read is TrackFlow's, Prometheus's own, recorded by a rule, or a listed exporter metric; no listed exporter metric goes unused")
  void metricNamesAreKnown() {
    Set<String> recorded = new TreeSet<>();
    Monitoring.rules().stream().filter(r -> !r.isAlert()).map(Rule::name).forEach(recorded::add);
    Set<String> exporters = new TreeSet<>();
    Monitoring.EXPORTER_METRICS.values().forEach(exporters::addAll);

    Set<String> used = new TreeSet<>();
    Monitoring.expressions().forEach(e -> used.addAll(Monitoring.metricNames(e)));
    Set<String> unknown = new TreeSet<>(used);
    unknown.removeIf(name -> Monitoring.TRACKFLOW_METRIC.matcher(name).matches()
        || Monitoring.PROMETHEUS_METRICS.contains(name) || recorded.contains(name) || exporters.contains(name));
    assertThat(unknown).as("metric names neither TrackFlow's, Prometheus's, recorded nor a listed exporter's").isEmpty();
    assertThat(used).as("listed exporter metrics are all used").containsAll(exporters);
    assertThat(used).as("recording rules are all used").containsAll(recorded);
  }

  @Test
  @DisplayName("The metric name extraction finds metrics and recorded series, and skips functions, labels, strings, variables, durations and numbers")
  void metricNameExtraction() {
    assertThat(Monitoring.metricNames("histogram_quantile(0.99, sum by (job, le) (rate("
        + "vertx_http_server_response_time_seconds_bucket{route=~\"/i|$role\"}[$__rate_interval]))) > 0.25"))
        .containsExactly("vertx_http_server_response_time_seconds_bucket");
    assertThat(Monitoring.metricNames("(sum(rate(a_total[10m])) or vector(0)) == 0 and on () "
        + "sum(job:x_errors:ratio_rate5m) > 1e3 or label_replace(b, \"fallback\", \"dedup\", \"\", \"\")"))
        .containsExactly("a_total", "b", "job:x_errors:ratio_rate5m");
    assertThat(Monitoring.metricNames("count(ALERTS{alertstate=\"firing\"}) or time() - max(up) offset 5m"))
        .containsExactly("ALERTS", "up");
  }

  @Test
  @DisplayName("Grafana provisioning: one Prometheus data source with a fixed uid, and a dashboards provider reading the directory compose mounts, read-only")
  @SuppressWarnings("unchecked")
  void provisioning() {
    Map<String, Object> datasource = provisionedDatasource();
    assertThat(datasource.get("type")).isEqualTo("prometheus");
    assertThat(datasource.get("uid").toString()).matches("[a-z0-9-]+");
    assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
    assertThat(datasource.get("isDefault")).isEqualTo(true);

    Map<String, Object> doc = (Map<String, Object>) Monitoring.yaml(
        Monitoring.PROVISIONING.resolve("dashboards").resolve("trackflow.yml"));
    List<Object> providers = (List<Object>) doc.get("providers");
    assertThat(providers).hasSize(1);
    Map<String, Object> provider = (Map<String, Object>) providers.get(0);
    assertThat(provider.get("type")).isEqualTo("file");
    assertThat(provider.get("allowUiUpdates")).isEqualTo(false);
    assertThat(((Map<String, Object>) provider.get("options")).get("path")).isEqualTo("/var/lib/grafana/dashboards");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> provisionedDatasource() {
    Map<String, Object> doc = (Map<String, Object>) Monitoring.yaml(
        Monitoring.PROVISIONING.resolve("datasources").resolve("prometheus.yml"));
    List<Object> datasources = (List<Object>) doc.get("datasources");
    assertThat(datasources).as("provisioned data sources").hasSize(1);
    return (Map<String, Object>) datasources.get(0);
  }

  private static Dashboard dashboard(String uid) {
    return Monitoring.dashboards().stream().filter(d -> uid.equals(d.uid())).findFirst()
        .orElseThrow(() -> new AssertionError("no dashboard with uid " + uid));
  }
}

package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metric names the Grafana dashboards and alerts are built on, checked against a real scrape of
 * a standalone TrackFlow after real traffic (Prometheus names, counters ending in {@code _total}),
 * and the HTTP metrics' labels: the route template, never the raw path.
 */
class MetricsScrapeIT {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  @TempDir Path dataDir;

  @Test
  @DisplayName("After traffic, /metrics lists the collector, writer, store, queue, query cache, JVM and route-labelled Vert.x HTTP metrics the dashboards use, and no raw request path")
  void scrapeHasTheDashboardMetrics() {
    String site = StandaloneEndToEndIT.newSiteDomain("metrics");
    try (RunningServer server = RunningServer.start(StandaloneEndToEndIT.standalone(dataDir))) {
      TrackflowHttp http = server.http()
          .login(StandaloneEndToEndIT.ADMIN_EMAIL, StandaloneEndToEndIT.ADMIN_PASSWORD);
      http.createSite(site, "UTC");
      StandaloneEndToEndIT.awaitSiteAccepted(http, site);
      Traffic traffic = ShopScenario.send(http, site);
      http.beacon("{\"n\":", "application/json", Map.of()); // malformed: a rejection to count
      ShopScenario.assertStats(http, traffic);
      // The same question twice: the second answer comes from the query cache.
      http.query(TrackflowHttp.stats(site, List.of("visitors"), List.of("visit:source")));

      String scrape = http.metrics();
      Map<String, List<Map<String, String>>> samples = parse(scrape);
      System.out.println("Metric names in a standalone scrape:\n  "
          + String.join("\n  ", new TreeSet<>(samples.keySet())));

      assertThat(samples).containsKeys(
          // collector
          "trackflow_collector_hits_received_total",
          "trackflow_collector_hits_accepted_total",
          "trackflow_collector_hits_duplicate_total",
          "trackflow_collector_hits_bot_total",
          "trackflow_collector_hits_rejected_total",
          "trackflow_collector_publish_latency_seconds_count",
          // queue, writer, store
          "trackflow_queue_size",
          "trackflow_writer_rows_total",
          "trackflow_store_rows_inserted_total",
          // query
          "trackflow_query_cache_total",
          // JVM and process
          "jvm_memory_used_bytes",
          "jvm_threads_live_threads",
          "jvm_classes_loaded_classes",
          "process_cpu_usage",
          "process_uptime_seconds",
          // Vert.x HTTP server
          "vertx_http_server_requests_total",
          "vertx_http_server_response_time_seconds_count",
          "vertx_http_server_active_connections");

      assertThat(values(samples, "trackflow_collector_hits_received_total", "endpoint"))
          .contains("pixel", "beacon");
      assertThat(values(samples, "trackflow_collector_hits_rejected_total", "reason"))
          .contains("malformed_json");
      assertThat(values(samples, "trackflow_query_cache_total", "result")).contains("hit", "miss");
      assertThat(sum(samples, "trackflow_collector_hits_accepted_total"))
          .as("hits accepted").isGreaterThanOrEqualTo(traffic.events());
      assertThat(sum(samples, "trackflow_writer_rows_total"))
          .as("rows the writer stored").isGreaterThanOrEqualTo(traffic.events());
      assertThat(sum(samples, "trackflow_collector_hits_bot_total")).as("bot hits").isEqualTo(4.0);

      assertThat(values(samples, "vertx_http_server_requests_total", "route"))
          .contains("/i", "/api/event", "/api/auth/login", "/api/sites", "/api/v2/query",
              "/api/sites/:domain/realtime");
      samples.forEach((name, series) -> {
        if (name.startsWith("vertx_http_server_")) {
          for (Map<String, String> labels : series) {
            assertThat(labels).as("labels of %s", name).doesNotContainKeys("path", "uri", "url");
          }
        }
      });
      // A raw path would carry the site's domain (/api/sites/{domain}/realtime).
      assertThat(scrape).doesNotContain(site);
    }
  }

  /** Sample name → the label sets of its series. */
  private static Map<String, List<Map<String, String>>> parse(String scrape) {
    Map<String, List<Map<String, String>>> samples = new TreeMap<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("a Prometheus sample line: %s", line).isTrue();
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      labels.put("__value__", line.substring(line.lastIndexOf(' ') + 1));
      samples.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
    }
    return samples;
  }

  private static List<String> values(Map<String, List<Map<String, String>>> samples, String name, String label) {
    return samples.getOrDefault(name, List.of()).stream().map(l -> l.get(label)).toList();
  }

  private static double sum(Map<String, List<Map<String, String>>> samples, String name) {
    return samples.getOrDefault(name, List.of()).stream()
        .mapToDouble(l -> Double.parseDouble(l.get("__value__"))).sum();
  }
}

package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metric names the Grafana dashboards are built on, checked against a real scrape of a
 * standalone TrackFlow after real traffic (Prometheus names, counters ending in {@code _total}):
 * the key ones by name, and every name the provisioned dashboards and alert rules read; and the HTTP metrics'
 * labels: the route template, never the raw path.
 */
class MetricsScrapeIT {

  /** Registered only by the cluster adapters (Redis fallbacks, Kafka poison records, the pixel spool); see ClusterEndToEndIT. */
  static final Set<String> CLUSTER_ONLY = Set.of("trackflow_collector_dedup_fallback_total",
      "trackflow_queue_poison_total", "trackflow_collector_spool_bytes",
      "trackflow_collector_spool_capacity_bytes",
      "trackflow_store_clickhouse_rereads_total", "trackflow_auth_limiter_fallback_total");

  @TempDir Path dataDir;

  @Test
  @DisplayName("After traffic, /metrics lists the collector, writer, store, queue, query cache, JVM and route-labelled Vert.x HTTP metrics the dashboards and alerts use, no raw request path, and the site's hits counted once each by their fate")
  void scrapeHasTheDashboardMetrics() {
    String site = StandaloneEndToEndIT.newSiteDomain("metrics");
    try (RunningServer server = RunningServer.start(StandaloneEndToEndIT.standalone(dataDir))) {
      TrackflowHttp http = StandaloneEndToEndIT.adminWithSite(server.http(), site);
      Traffic traffic = ShopScenario.send(http, site);
      http.beacon("{\"n\":", "application/json", Map.of()); // malformed: a rejection to count
      ShopScenario.assertStats(http, traffic);
      // The same question twice: the second answer comes from the query cache.
      http.query(TrackflowHttp.stats(site, List.of("visitors"), List.of("visit:source")));
      http.sendRefusedRequests();

      PrometheusScrape scrape = new PrometheusScrape(http.metrics());
      Map<String, List<Map<String, String>>> samples = scrape.samples();
      System.out.println("Metric names in a standalone scrape:\n  " + String.join("\n  ", scrape.names()));

      assertThat(scrape.names()).contains(
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
      Set<String> dashboards = new TreeSet<>(PrometheusScrape.grafanaMetricNames());
      dashboards.removeAll(CLUSTER_ONLY);
      assertThat(scrape.names()).as("names the Grafana dashboards and alert rules read").containsAll(dashboards);

      assertThat(scrape.values("trackflow_collector_hits_received_total", "endpoint"))
          .contains("pixel", "beacon");
      assertThat(scrape.values("trackflow_collector_hits_rejected_total", "reason"))
          .contains("malformed_json");
      assertThat(scrape.values("trackflow_query_cache_total", "result")).contains("hit", "miss");
      assertThat(scrape.sum("trackflow_collector_hits_accepted_total"))
          .as("hits accepted").isGreaterThanOrEqualTo(traffic.events());
      assertThat(scrape.sum("trackflow_writer_rows_total"))
          .as("rows the writer stored").isGreaterThanOrEqualTo(traffic.events());
      assertThat(scrape.sum("trackflow_collector_hits_bot_total")).as("bot hits").isEqualTo(4.0);

      assertThat(scrape.values("vertx_http_server_requests_total", "route"))
          .contains("/i", "/api/event", "/api/auth/login", "/api/sites", "/api/v2/query",
              "/api/sites/:domain/realtime");
      samples.forEach((name, series) -> {
        if (name.startsWith("vertx_http_server_")) {
          for (Map<String, String> labels : series) {
            assertThat(labels).as("labels of %s", name).doesNotContainKeys("path", "uri", "url");
          }
        }
      });
      // A raw path would carry the site's domain (/api/sites/{domain}/realtime); the collector's
      // hit counters carry it on purpose, as their site label.
      samples.forEach((name, series) -> {
        for (Map<String, String> labels : series) {
          labels.forEach((label, value) -> {
            if (!label.equals("site")) {
              assertThat(value).as("label %s of %s", label, name).doesNotContain(site);
            }
          });
        }
      });
      // Every hit counted once by its fate (standalone has no spool: nothing is spooled).
      HitAccount account = HitAccount.of(site, scrape).assertBalanced();
      assertThat(account.accepted()).as("hits accepted for the site").isGreaterThanOrEqualTo(traffic.events());
      assertThat(scrape.names()).doesNotContain("trackflow_collector_hits_spooled");
    }
  }
}

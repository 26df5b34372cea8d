package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MonitoringExpressionsTest {

  @Test
  @DisplayName("The metric names of an expression are its selectors, not its functions, keywords, label names, strings or durations")
  void metricNamesAreTheSelectors() {
    assertThat(MonitoringExpressions.metricNames("""
        sum by (le, route) (rate(vertx_http_server_response_time_seconds_bucket{route=~"/api/.*", code!="200"}[5m]))
          / on(instance) group_left(role) max without (pod) (up{job="trackflow"} offset 1m) > bool 0.5e1
          and label_replace(job:hits:rate5m, "dst", "$1", "src", "(.*)") unless {__name__="trackflow_x_total"}
        # a comment naming not_a_metric
        """)).containsExactly("vertx_http_server_response_time_seconds_bucket", "up", "job:hits:rate5m",
        "trackflow_x_total");
  }

  @Test
  @DisplayName("Grafana's variables are replaced in all three spellings, longest built-in name first, and unknown ones are left as written")
  void variablesAreReplaced() {
    Map<String, String> values = Map.of("__rate_interval", "1m", "__interval_ms", "15000", "role", "(collector|query)");
    assertThat(MonitoringExpressions.substitute(
        "rate(x{role=~\"$role\", i=~\"${role:regex}\", j=~\"[[role]]\"}[$__rate_interval]) * $__interval_ms + $unknown", values))
        .isEqualTo("rate(x{role=~\"(collector|query)\", i=~\"(collector|query)\", j=~\"(collector|query)\"}[1m]) * 15000 + $unknown");
  }

  @Test
  @DisplayName("The scrape config for loopback turns DNS names and static targets into loopback targets with the DNS name label, drops jobs of absent services with the reason, and points rule files at the repository")
  void scrapeConfigForLoopback() {
    String shipped = """
        global: {scrape_interval: 15s}
        rule_files: [/etc/prometheus/rules/*.yml]
        alerting: {alertmanagers: [{static_configs: [{targets: ['alertmanager:9093']}]}]}
        scrape_configs:
          - job_name: trackflow
            scrape_interval: 10s
            dns_sd_configs: [{names: [collector, query], type: A, port: 8080}]
            relabel_configs: [{source_labels: [__meta_dns_name], target_label: role}]
          - job_name: clickhouse
            static_configs: [{targets: ['clickhouse:9363'], labels: {service: clickhouse}}]
        """;
    LoopbackScrapeConfig config = new LoopbackScrapeConfig(shipped,
        Map.of("collector:8080", List.of("127.0.0.1:1", "127.0.0.1:2"), "query:8080", List.of("127.0.0.1:3")),
        Map.of("clickhouse", "too old"));
    assertThat(config.droppedJobs()).isEqualTo(Map.of("clickhouse", "clickhouse:9363: too old"));
    assertThat(config.targetsByJob()).isEqualTo(Map.of("trackflow", List.of("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3")));
    assertThat(config.yaml())
        .contains("__meta_dns_name: collector", "__meta_dns_name: query", "scrape_interval: 1s", "source_labels:")
        .contains(LoopbackScrapeConfig.RULES.toAbsolutePath().normalize().resolve("*.yml").toString())
        .doesNotContain("dns_sd_configs", "10s", "alertmanager", "clickhouse");
  }
}

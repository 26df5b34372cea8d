package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text scrape parsed into sample names and label sets, and the names Grafana and the alerts use. */
final class PrometheusScrape {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  static final String VALUE = "__value__";

  private final String text;
  private final Map<String, List<Map<String, String>>> samples = new TreeMap<>();

  PrometheusScrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
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
      labels.put(VALUE, line.substring(line.lastIndexOf(' ') + 1));
      samples.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
    }
  }

  String text() {
    return text;
  }

  Set<String> names() {
    return new TreeSet<>(samples.keySet());
  }

  Map<String, List<Map<String, String>>> samples() {
    return samples;
  }

  List<String> values(String name, String label) {
    return samples.getOrDefault(name, List.of()).stream().map(l -> l.get(label)).toList();
  }

  double sum(String name) {
    return samples.getOrDefault(name, List.of()).stream()
        .mapToDouble(l -> Double.parseDouble(l.get(VALUE))).sum();
  }

  /** The sum of a metric's series whose {@code label} is {@code value}. */
  double sum(String name, String label, String value) {
    return samples.getOrDefault(name, List.of()).stream().filter(l -> value.equals(l.get(label)))
        .mapToDouble(l -> Double.parseDouble(l.get(VALUE))).sum();
  }

  /**
   * Every metric name of TrackFlow's own that the provisioned Grafana dashboards and the Prometheus
   * alert and recording rules read.
   */
  static Set<String> grafanaMetricNames() {
    return Monitoring.trackflowMetricNames();
  }
}

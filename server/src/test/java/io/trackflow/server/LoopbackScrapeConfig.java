package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The repository's Prometheus config ({@code grafana/prometheus.yml}) made to scrape processes on
 * loopback instead of compose services: every DNS-discovered or static {@code host:port} target
 * becomes the loopback targets of the processes standing in for that service here, with the labels
 * the discovery would have attached ({@code __meta_dns_name} for DNS names), so relabelling runs as
 * shipped. Jobs whose service does not run here are dropped and reported with the reason. Rule
 * files point at the repository's {@code grafana/rules/}; intervals shrink to one second so rates
 * have samples within seconds.
 */
final class LoopbackScrapeConfig {

  static final Path SHIPPED = Path.of("..", "grafana", "prometheus.yml");
  static final Path RULES = Path.of("..", "grafana", "rules");
  static final String INTERVAL = "1s";

  private final Map<String, Object> config;
  private final Map<String, String> droppedJobs = new TreeMap<>();
  private final Map<String, List<String>> targetsByJob = new TreeMap<>();

  /**
   * @param shipped the text of a Prometheus config written for the compose network
   * @param running compose {@code host:port} → the loopback {@code host:port}s standing in for it
   * @param absent compose host → why it does not run here
   */
  static LoopbackScrapeConfig ofRepository(Map<String, List<String>> running, Map<String, String> absent) {
    try {
      return new LoopbackScrapeConfig(Files.readString(SHIPPED), running, absent);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  LoopbackScrapeConfig(String shipped, Map<String, List<String>> running, Map<String, String> absent) {
    config = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(shipped);
    Map<String, Object> global = (Map<String, Object>) config.computeIfAbsent("global", k -> new LinkedHashMap<>());
    global.put("scrape_interval", INTERVAL);
    global.put("scrape_timeout", INTERVAL);
    global.put("evaluation_interval", INTERVAL);
    config.remove("alerting"); // no Alertmanager here; rule states are read from Prometheus itself

    List<Object> rules = new ArrayList<>();
    for (Object file : (List<Object>) config.getOrDefault("rule_files", List.of())) {
      rules.add(RULES.toAbsolutePath().normalize().resolve(Path.of(file.toString()).getFileName()).toString());
    }
    config.put("rule_files", rules);

    List<Object> jobs = new ArrayList<>();
    for (Object o : (List<Object>) config.getOrDefault("scrape_configs", List.of())) {
      Map<String, Object> job = (Map<String, Object>) o;
      String name = (String) job.get("job_name");
      List<Object> groups = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      for (Map<String, Object> dns : (List<Map<String, Object>>) job.getOrDefault("dns_sd_configs", List.of())) {
        assertThat(dns.getOrDefault("type", "SRV")).as("DNS discovery type of job %s (only A records are mapped)", name)
            .isIn("A", "AAAA");
        for (Object host : (List<Object>) dns.get("names")) {
          String service = host + ":" + dns.get("port");
          group(groups, missing, running, absent, service, Map.of("__meta_dns_name", host.toString()));
        }
      }
      for (Map<String, Object> group : (List<Map<String, Object>>) job.getOrDefault("static_configs", List.of())) {
        Map<String, Object> labels = (Map<String, Object>) group.getOrDefault("labels", Map.of());
        for (Object target : (List<Object>) group.get("targets")) {
          group(groups, missing, running, absent, target.toString(), labels);
        }
      }
      List<String> other = job.keySet().stream().filter(k -> k.endsWith("_sd_configs") && !k.equals("dns_sd_configs")).toList();
      assertThat(other).as("service discovery of job %s this test can map to loopback", name).isEmpty();
      job.remove("dns_sd_configs");
      job.remove("scrape_interval");
      job.remove("scrape_timeout");
      if (groups.isEmpty()) {
        droppedJobs.put(name, String.join("; ", missing));
        continue;
      }
      job.put("static_configs", groups);
      jobs.add(job);
      targetsByJob.put(name, groups.stream()
          .flatMap(g -> ((List<String>) ((Map<String, Object>) g).get("targets")).stream()).toList());
    }
    config.put("scrape_configs", jobs);
  }

  private static void group(List<Object> groups, List<String> missing, Map<String, List<String>> running,
      Map<String, String> absent, String service, Map<String, Object> labels) {
    String host = service.substring(0, service.lastIndexOf(':'));
    if (running.containsKey(service)) {
      Map<String, Object> group = new LinkedHashMap<>();
      group.put("targets", running.get(service));
      if (!labels.isEmpty()) {
        group.put("labels", labels);
      }
      groups.add(group);
    } else {
      assertThat(absent).as("either loopback targets or a reason for %s (in %s)", service, SHIPPED)
          .containsKey(host);
      missing.add(service + ": " + absent.get(host));
    }
  }

  /** Jobs left out because their service does not run here → why. */
  Map<String, String> droppedJobs() {
    return droppedJobs;
  }

  /** The loopback targets of every job kept. */
  Map<String, List<String>> targetsByJob() {
    return targetsByJob;
  }

  /** The rule files Prometheus loads: the repository's, none when it has none yet. */
  List<Path> ruleFiles() {
    if (!Files.isDirectory(RULES)) {
      return List.of();
    }
    try (var files = Files.list(RULES)) {
      return files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String yaml() {
    return new Dump(DumpSettings.builder().build()).dumpToString(config);
  }
}

package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.server.Monitoring.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Prometheus configuration and alert rules, checked with Debian's promtool (config,
 * rules, and the rules' unit tests) and for what operators rely on: every alert says how severe it
 * is, what it means, and where its runbook section is.
 */
class PrometheusRulesTest {

  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  private static final Pattern RUNBOOK_HEADING = Pattern.compile("(?m)^## (\\S+)\\s*$");

  @TempDir Path dir;

  @Test
  @DisplayName("promtool accepts grafana/prometheus.yml, with its rule_files glob (the container path) pointed at grafana/rules, and loads every rule file there")
  void configLoadsEveryRuleFile() throws IOException {
    String config = Files.readString(Monitoring.PROMETHEUS_CONFIG);
    String ruleFilesLine = "  - " + Monitoring.RULE_FILES_IN_CONTAINER + "\n";
    assertThat(config).as("rule_files in %s", Monitoring.PROMETHEUS_CONFIG)
        .contains("rule_files:\n" + ruleFilesLine);
    List<Path> ruleFiles = Monitoring.ruleFiles();
    assertThat(ruleFiles).as("rule files matched by *.yml in %s", Monitoring.RULES).isNotEmpty();

    Path copy = dir.resolve("prometheus.yml");
    Files.writeString(copy, config.replace(ruleFilesLine, "  - " + Monitoring.RULES.resolve("*.yml") + "\n"));
    String output = Promtool.check("check", "config", copy.toString());

    assertThat(output).contains("SUCCESS: " + ruleFiles.size() + " rule files found");
    for (Path file : ruleFiles) {
      assertThat(output).as("promtool output").contains("Checking " + file);
    }
  }

  @Test
  @DisplayName("promtool check rules accepts every rule file")
  void rulesAreValid() {
    List<String> args = new ArrayList<>(List.of("check", "rules"));
    Monitoring.ruleFiles().forEach(f -> args.add(f.toString()));
    Promtool.check(args.toArray(String[]::new));
  }

  @Test
  @DisplayName("promtool test rules passes: each alert fires on the series meant to fire it, and on no other series of its test")
  void ruleUnitTestsPass() {
    List<String> args = new ArrayList<>(List.of("test", "rules"));
    Monitoring.ruleTestFiles().forEach(f -> args.add(f.toString()));
    String output = Promtool.check(args.toArray(String[]::new));
    assertThat(output).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  @DisplayName("Every alert has a severity, a summary, a description and a runbook_url naming its own section of docs/runbook.md, and the runbook has a section for no other alert")
  void alertsCarryWhatOperatorsNeed() throws IOException {
    Set<String> sections = new TreeSet<>();
    Matcher m = RUNBOOK_HEADING.matcher(Files.readString(Monitoring.RUNBOOK));
    while (m.find()) {
      sections.add(m.group(1));
    }
    Set<String> alerts = new TreeSet<>();
    for (Rule rule : Monitoring.rules()) {
      if (!rule.isAlert()) {
        continue;
      }
      alerts.add(rule.name());
      assertThat(rule.name()).as("alert name").matches("TrackFlow[A-Z][A-Za-z]+");
      assertThat(rule.labels().get("severity")).as("severity of %s", rule.name()).isIn(SEVERITIES);
      Map<String, String> annotations = rule.annotations();
      assertThat(annotations).as("annotations of %s", rule.name())
          .containsOnlyKeys("summary", "description", "runbook_url");
      assertThat(annotations.values()).as("annotations of %s", rule.name()).allSatisfy(a -> assertThat(a).isNotBlank());
      assertThat(annotations.get("runbook_url")).as("runbook_url of %s", rule.name())
          .isEqualTo("docs/runbook.md#" + rule.name().toLowerCase(Locale.ROOT));
    }
    // A heading "## Name" is the anchor #name on GitHub and in any Markdown viewer.
    assertThat(sections).as("alert sections (## headings) in %s", Monitoring.RUNBOOK)
        .filteredOn(s -> s.startsWith("TrackFlow")).containsExactlyInAnyOrderElementsOf(alerts);
  }

  @Test
  @DisplayName("Every alert has a promtool case in which it fires, and every alert a test names exists")
  @SuppressWarnings("unchecked")
  void everyAlertHasAFiringTest() {
    Set<String> alerts = Monitoring.rules().stream().filter(Rule::isAlert).map(Rule::name)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> fired = new TreeSet<>();
    Set<String> tested = new TreeSet<>();
    for (Path file : Monitoring.ruleTestFiles()) {
      Map<String, Object> doc = (Map<String, Object>) Monitoring.yaml(file);
      for (Object t : (List<Object>) doc.get("tests")) {
        for (Object c : (List<Object>) ((Map<String, Object>) t).getOrDefault("alert_rule_test", List.of())) {
          Map<String, Object> testCase = (Map<String, Object>) c;
          String alert = (String) testCase.get("alertname");
          tested.add(alert);
          if (!((List<Object>) testCase.getOrDefault("exp_alerts", List.of())).isEmpty()) {
            fired.add(alert);
          }
        }
      }
    }
    assertThat(alerts).as("alerts with a case where they fire").isSubsetOf(fired);
    assertThat(tested).as("alerts the tests name").isSubsetOf(alerts);
  }
}

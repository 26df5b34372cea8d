package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.config.ConfigLoader;
import io.trackflow.core.config.Setting;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Cluster deployment" section says what docker-compose.yml does: names, ports, commands. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadmeClusterSectionTest {

  private static final Pattern TABLE_ROW =
      Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\| (\\d+) \\| ([^|]+) \\| ([^|]+) \\|$");

  private String section;
  private Map<String, Object> model;
  private List<ComposeService> services;

  @BeforeAll
  void read(@TempDir Path dir) {
    String readme = ComposeProject.read(ComposeProject.ROOT.resolve("README.md"));
    int start = readme.indexOf("## Cluster deployment");
    assertThat(start).as("README.md has a '## Cluster deployment' section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    section = readme.substring(start, end < 0 ? readme.length() : end);
    model = ComposeProject.copy(dir, ComposeProject.filledEnv()).resolved();
    services = ComposeService.all(model);
  }

  @Test
  @DisplayName("The commands copy .env.example, start the cluster and the monitoring profile that docker-compose.yml defines")
  void commands() {
    String commands = codeBlock();
    assertThat(commands).contains("cp .env.example .env", "docker compose up -d",
        "docker compose --profile " + ComposeFileTest.MONITORING + " up -d");
    assertThat(ComposeProject.ENV_EXAMPLE).exists();
    Matcher profile = Pattern.compile("--profile (\\S+)").matcher(commands);
    while (profile.find()) {
      String name = profile.group(1);
      assertThat(services).as("a service in profile %s", name).anyMatch(s -> s.profiles().contains(name));
    }
  }

  @Test
  @DisplayName("The service table lists exactly the compose services, with their replicas, published ports and profile")
  void serviceTable() {
    Map<String, String[]> rows = new LinkedHashMap<>();
    Matcher row = TABLE_ROW.matcher(section);
    while (row.find()) {
      rows.put(row.group(1), new String[] {row.group(2), row.group(3).strip(), row.group(4).strip()});
    }
    assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(services.stream().map(ComposeService::name).toList());
    for (ComposeService service : services) {
      String[] cells = rows.get(service.name());
      assertThat(Integer.parseInt(cells[0])).as("%s replicas", service.name()).isEqualTo(service.replicas());
      String published = service.ports().isEmpty() ? "—" : service.ports().stream()
          .map(p -> "`" + (p.hostIp().isEmpty() ? "" : p.hostIp() + ":") + p.published() + "` → " + p.target())
          .collect(Collectors.joining(", "));
      assertThat(cells[1]).as("%s published", service.name()).startsWith(published);
      assertThat(cells[2].startsWith(ComposeFileTest.MONITORING + " profile")).as("%s profile", service.name())
          .isEqualTo(service.profiles().contains(ComposeFileTest.MONITORING));
    }
  }

  @Test
  @DisplayName("Where to sign in and where Grafana is match the published ports and the names in .env.example")
  void whereToGo() {
    ComposeService.Port nginx = ComposeService.named(model, "nginx").ports().getFirst();
    ComposeService.Port grafana = ComposeService.named(model, "grafana").ports().getFirst();
    assertThat(section).contains("http://localhost:" + nginx.published() + "/");
    assertThat(section).contains("http://" + grafana.hostIp() + ":" + grafana.published());
    assertThat(section).contains("ssh -L " + grafana.published() + ":" + grafana.hostIp() + ":" + grafana.published());
    assertThat(section).contains("as `" + ComposeService.named(model, "grafana").environment().get("GF_SECURITY_ADMIN_USER") + "`");

    Set<String> settings = Arrays.stream(Setting.values()).map(Setting::env).collect(Collectors.toSet());
    Matcher variable = Pattern.compile("`([A-Z][A-Z0-9_]{2,})`").matcher(section);
    while (variable.find()) {
      assertThat(ComposeProject.envExample().containsKey(variable.group(1)) || settings.contains(variable.group(1)))
          .as("`%s` is a .env.example variable or a TrackFlow setting", variable.group(1)).isTrue();
    }
  }

  @Test
  @DisplayName("The scaling advice names scalable services and keeps writers within the topic's partitions")
  void scaling() {
    ComposeService writer = ComposeService.named(model, "writer");
    int partitions = ConfigLoader.load(writer.environment()).integer(Setting.KAFKA_PARTITIONS);
    assertThat(section).contains(partitions + " partitions");
    Matcher scale = Pattern.compile("--scale ([a-z-]+)=(\\d+)").matcher(section);
    int found = 0;
    while (scale.find()) {
      found++;
      ComposeService service = ComposeService.named(model, scale.group(1));
      // nginx publishes a fixed port and address: it runs once.
      assertThat(service.ports()).as("--scale %s", service.name()).isEmpty();
      if (service.name().equals("writer")) {
        assertThat(Integer.parseInt(scale.group(2))).isLessThanOrEqualTo(partitions);
      }
    }
    assertThat(found).as("--scale examples").isGreaterThanOrEqualTo(3);
  }

  private String codeBlock() {
    Matcher block = Pattern.compile("(?s)```sh\\n(.*?)```").matcher(section);
    assertThat(block.find()).as("a ```sh block in the cluster section").isTrue();
    return block.group(1);
  }
}

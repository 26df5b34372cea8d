package io.trackflow.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  @DisplayName("With no file and no environment the process runs standalone with every role on port 8080")
  void defaultsAreStandalone() {
    TrackflowConfig config = ConfigLoader.load(Map.of());
    assertThat(config.standalone()).isTrue();
    assertThat(config.roles()).containsExactlyInAnyOrder(Role.values());
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.kafkaBootstrap()).isEmpty();
  }

  @Test
  @DisplayName("A YAML file sets nested settings and environment variables override it")
  void environmentOverridesFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("trackflow.yaml");
    Files.writeString(file, """
        http:
          port: 9090
        data:
          dir: /var/lib/trackflow
        roles: [collector, writer]
        kafka:
          bootstrap: localhost:9092
        clickhouse:
          url: http://clickhouse:8123
        pg:
          url: postgresql://tf:secret@db:5432/trackflow
        """);
    TrackflowConfig config = ConfigLoader.load(Map.of(
        "TRACKFLOW_CONFIG", file.toString(), "TRACKFLOW_HTTP_PORT", "7070"));
    assertThat(config.httpPort()).isEqualTo(7070);
    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/trackflow"));
    assertThat(config.roles()).containsExactlyInAnyOrder(Role.COLLECTOR, Role.WRITER);
    assertThat(config.kafkaBootstrap()).contains("localhost:9092");
    assertThat(config.standalone()).isFalse();
  }

  @Test
  @DisplayName("A JSON config file is read as well as YAML")
  void readsJson(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("trackflow.json");
    Files.writeString(file, "{\"http\": {\"port\": 8181}, \"writer\": {\"batch\": {\"size\": 500}}}");
    TrackflowConfig config = ConfigLoader.load(Map.of("TRACKFLOW_CONFIG", file.toString()));
    assertThat(config.httpPort()).isEqualTo(8181);
    assertThat(config.integer(Setting.WRITER_BATCH_SIZE)).isEqualTo(500);
  }

  @Test
  @DisplayName("The pixel spool lives in the data dir unless its own directory is set, and a Kafka delivery timeout under a second is refused with the setting named")
  void spoolDirAndDeliveryTimeout() {
    assertThat(ConfigLoader.load(Map.of("TRACKFLOW_DATA_DIR", "/srv/tf")).spoolDir()).isEqualTo(Path.of("/srv/tf/spool"));
    assertThat(ConfigLoader.load(Map.of("TRACKFLOW_COLLECTOR_SPOOL_DIR", "/fast/spool")).spoolDir())
        .isEqualTo(Path.of("/fast/spool"));
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("TRACKFLOW_KAFKA_DELIVERY_TIMEOUT_MS", "500")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("TRACKFLOW_KAFKA_DELIVERY_TIMEOUT_MS");
  }

  @Test
  @DisplayName("Secrets in URLs and passwords are masked in the start-up description")
  void masksSecrets() {
    TrackflowConfig config = ConfigLoader.load(Map.of(
        "TRACKFLOW_PG_URL", "postgresql://tf:hunter2@db:5432/trackflow",
        "TRACKFLOW_ADMIN_EMAIL", "admin@example.com",
        "TRACKFLOW_ADMIN_PASSWORD", "hunter2"));
    assertThat(config.describe()).doesNotContain("hunter2").contains("tf:****@db");
  }

  @Test
  @DisplayName("Each bad or contradictory setting stops start-up with one message naming it")
  void rejectsBadSettings() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("TRACKFLOW_HTTP_PORT", "http")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TRACKFLOW_HTTP_PORT");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("TRACKFLOW_HTTP_PORT", "70000")))
        .hasMessageStartingWith("TRACKFLOW_HTTP_PORT");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("TRACKFLOW_ROLES", "collector,reporter")))
        .hasMessageContaining("reporter");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("TRACKFLOW_ROLES", "collector")))
        .hasMessageContaining("TRACKFLOW_KAFKA_BOOTSTRAP");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("TRACKFLOW_REDIS_URL", "not a url")))
        .hasMessageStartingWith("TRACKFLOW_REDIS_URL");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("TRACKFLOW_ADMIN_EMAIL", "a@b.c")))
        .hasMessageContaining("TRACKFLOW_ADMIN_PASSWORD");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("TRACKFLOW_HTTP_PROT", "80")))
        .hasMessageStartingWith("TRACKFLOW_HTTP_PROT");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("TRACKFLOW_CONFIG", "/nonexistent/trackflow.yaml")))
        .hasMessageStartingWith("TRACKFLOW_CONFIG");
  }

  @Test
  @DisplayName("An unknown key in the config file is rejected instead of silently ignored")
  void rejectsUnknownFileKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("t.yaml");
    Files.writeString(file, "http:\n  prot: 1\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("TRACKFLOW_CONFIG", file.toString())))
        .hasMessageContaining("http.prot");
  }
}

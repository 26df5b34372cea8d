package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.testsupport.ChildProcess;
import io.trackflow.testsupport.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's Prometheus as a foreground process on a free loopback port with its storage in a
 * temporary directory, and the parts of its HTTP API the tests read.
 */
final class PrometheusProcess implements AutoCloseable {

  private static final List<String> BINARIES = List.of("/usr/bin/prometheus", "prometheus");

  private final ChildProcess process;
  private final TrackflowHttp http;

  private PrometheusProcess(ChildProcess process, int port) {
    this.process = process;
    this.http = new TrackflowHttp(port);
  }

  /** A free loopback port for {@link #start}, known before the config that may name it is written. */
  static int freePort() {
    return FreePorts.allocate(1)[0];
  }

  /** Starts Prometheus on {@code port} with {@code configYaml} in {@code directory}; returns once ready. */
  static PrometheusProcess start(int port, String configYaml, Path directory) {
    Path prometheus = ChildProcess.requireExecutable("prometheus", BINARIES, "prometheus");
    try {
      Files.createDirectories(directory);
      Files.writeString(directory.resolve("prometheus.yml"), configYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder command = new ProcessBuilder(prometheus.toString(),
        "--config.file=" + directory.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + directory.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn").directory(directory.toFile());
    PrometheusProcess started = new PrometheusProcess(
        ChildProcess.start("prometheus", command, directory.resolve("prometheus.log"), null), port);
    Await.until("Prometheus to be ready", Duration.ofSeconds(60), () -> {
      if (!started.process.isAlive()) {
        throw new AssertionError("prometheus exited with " + started.process.exitValue() + ":\n"
            + started.process.logTail(40) + "\nconfig:\n" + configYaml);
      }
      return started.http.get("/-/ready", Map.of()).statusCode();
    }, status -> status == 200);
    return started;
  }

  /** {@code /api/v1/targets}: the active targets. */
  List<JsonObject> activeTargets() {
    return objects(api("/api/v1/targets?state=active").getJsonObject("data").getJsonArray("activeTargets"));
  }

  /** {@code /api/v1/rules}: every rule of every loaded group. */
  List<JsonObject> rules() {
    return api("/api/v1/rules").getJsonObject("data").getJsonArray("groups").stream()
        .flatMap(g -> objects(((JsonObject) g).getJsonArray("rules")).stream()).toList();
  }

  /**
   * An instant query: the answer's {@code status} ("success" or "error"), {@code error} and
   * {@code data.result}, whatever the HTTP status (a bad expression is a 400 with the reason).
   */
  JsonObject query(String expression) {
    HttpResponse<String> answer = http.get("/api/v1/query?query="
        + URLEncoder.encode(expression, StandardCharsets.UTF_8), Map.of());
    return new JsonObject(answer.body());
  }

  /** Grafana's {@code label_values(match, label)}: the values of {@code label} (in series matching {@code match}). */
  List<String> labelValues(String match, String label) {
    String path = "/api/v1/label/" + label + "/values"
        + (match == null ? "" : "?match[]=" + URLEncoder.encode(match, StandardCharsets.UTF_8));
    return api(path).getJsonArray("data").stream().map(String::valueOf).toList();
  }

  private JsonObject api(String path) {
    HttpResponse<String> answer = http.get(path, Map.of());
    assertThat(answer.statusCode()).as("%s: %s", path, answer.body()).isEqualTo(200);
    return new JsonObject(answer.body());
  }

  private static List<JsonObject> objects(JsonArray array) {
    return array.stream().map(JsonObject.class::cast).toList();
  }

  String logTail() {
    return process.logTail(40);
  }

  @Override
  public void close() {
    process.terminate(Duration.ofSeconds(10));
  }
}

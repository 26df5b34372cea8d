package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real trackflow.jar as a user would, with no configuration but a port and data dir. */
class StandaloneJarIT {

  private static final Path JAR = Path.of("target", "trackflow.jar");
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  @TempDir Path dataDir;

  @AfterEach
  void killLeftovers() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private Process launch(int port) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", JAR.toAbsolutePath().toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dataDir.resolve("trackflow.log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TRACKFLOW_"));
    builder.environment().put("TRACKFLOW_HTTP_PORT", Integer.toString(port));
    builder.environment().put("TRACKFLOW_HTTP_HOST", "127.0.0.1");
    builder.environment().put("TRACKFLOW_DATA_DIR", dataDir.resolve("data").toString());
    return builder.start();
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitReady(int port) throws Exception {
    // Polls until ready; the process dying or never becoming ready fails the test with its log.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("trackflow exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        if (get(port, "/health/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // keep polling
      }
      Thread.sleep(100);
    }
    throw new AssertionError("trackflow never became ready:\n" + log());
  }

  private String log() throws IOException {
    return Files.readString(dataDir.resolve("trackflow.log"));
  }

  @Test
  @DisplayName("The jar with no configuration starts standalone, becomes ready, serves Prometheus metrics and stops cleanly on SIGTERM")
  void startsStandaloneAndStopsOnSigterm() throws Exception {
    int port = freePort();
    process = launch(port);
    awaitReady(port);

    HttpResponse<String> live = get(port, "/health/live");
    assertThat(live.statusCode()).isEqualTo(200);

    // Health checks and scrapes are not counted in HTTP metrics; a request to a real route is.
    assertThat(get(port, "/tracker.js").statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = get(port, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("jvm_memory_used_bytes")
        .contains("jvm_gc_")
        .contains("process_cpu_usage")
        .contains("vertx_http_server_active_connections")
        .containsPattern("vertx_http_server_requests_total\\{[^}]*route=\"/tracker.js\"")
        .contains("vertx_http_server_response_time_seconds_bucket")
        .doesNotContain("route=\"/metrics\"");
    assertThat(log()).contains("standalone");

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    assertThat(process.exitValue()).as("exit code after SIGTERM\n" + log()).isIn(0, 143);
    assertThat(log()).contains("Stopped");
  }

  @Test
  @DisplayName("SIGTERM during start-up still ends the process cleanly")
  void sigtermDuringStartup() throws Exception {
    int port = freePort();
    process = launch(port);
    // Wait until start-up has begun (the shutdown hook is in place by then), then interrupt it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!log().contains("Starting TrackFlow")) {
      if (!process.isAlive()) {
        throw new AssertionError("trackflow exited with " + process.exitValue()
            + " before logging 'Starting TrackFlow':\n" + log());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("trackflow did not log 'Starting TrackFlow' within 120 s:\n" + log());
      }
      Thread.sleep(20); // polling interval
    }
    process.destroy();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    assertThat(process.exitValue()).as("exit code after SIGTERM\n" + log()).isIn(0, 143);
    assertThat(log()).as("the shutdown hook ran").contains("Shutting down");
  }

  @Test
  @DisplayName("A bad setting stops start-up with one clear message naming it and a non-zero exit")
  void badConfigurationIsReported() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-jar", JAR.toAbsolutePath().toString())
        .redirectErrorStream(true)
        .redirectOutput(dataDir.resolve("trackflow.log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TRACKFLOW_"));
    builder.environment().put("TRACKFLOW_HTTP_PORT", "eighty");
    process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(log()).contains("TRACKFLOW_HTTP_PORT").doesNotContain("Exception");
  }
}

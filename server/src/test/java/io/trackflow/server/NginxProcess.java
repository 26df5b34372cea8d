package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.testsupport.ChildProcess;
import io.trackflow.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Debian's nginx running the repository's {@code deploy/nginx.conf} in front of processes on
 * loopback ports. Only what cannot be the same outside Docker is rewritten: each {@code listen}
 * port becomes a free loopback port, and each {@code name:8080} upstream (a compose service name)
 * becomes an upstream group of that service's loopback ports; every location, header, limit and
 * timeout runs as shipped. nginx runs in the foreground as an unprivileged user with its pid, logs
 * and temporary files in its own directory, under a main config shaped like the official image's.
 */
final class NginxProcess implements AutoCloseable {

  static final Path SHIPPED_CONFIG = Path.of("..", "deploy", "nginx.conf");
  private static final List<String> BINARIES = List.of("/usr/sbin/nginx", "nginx");
  private static final Pattern LISTEN = Pattern.compile("(?m)^(\\s*listen\\s+)(\\d+)(\\s*;)");
  private static final Pattern SERVICE = Pattern.compile("\\b([a-z][a-z0-9-]*):8080\\b");
  // Debian's nginx switches workers to this account when started as root; run all of it so.
  private static final String UNPRIVILEGED_USER = "www-data";

  private final Path directory;
  private final ChildProcess process;
  private final Map<Integer, Integer> ports;

  private NginxProcess(Path directory, ChildProcess process, Map<Integer, Integer> ports) {
    this.directory = directory;
    this.process = process;
    this.ports = ports;
  }

  /**
   * Starts nginx with the shipped config, {@code services} naming the loopback ports of each
   * compose service it proxies to (e.g. "collector" → two ports); returns once it answers.
   */
  static NginxProcess start(Map<String, List<Integer>> services) {
    Path nginx = ChildProcess.requireExecutable("nginx", BINARIES, "nginx");
    Path directory;
    try {
      // Outside JUnit's 0700 temp dirs: the unprivileged nginx must write its pid, logs, temp files.
      directory = Files.createTempDirectory("trackflow-nginx-");
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
      String shipped = Files.readString(SHIPPED_CONFIG);
      Map<Integer, Integer> ports = new LinkedHashMap<>();
      String server = rewrite(shipped, services, ports);
      Files.writeString(directory.resolve("default.conf"), server);
      Files.writeString(directory.resolve("nginx.conf"), mainConfig(directory));
      List<String> command = List.of(nginx.toString(), "-p", directory + "/", "-c",
          directory.resolve("nginx.conf").toString(), "-e", directory.resolve("error.log").toString(),
          "-g", "daemon off;");
      String user = ChildProcess.runningAsRoot() ? UNPRIVILEGED_USER : null;
      checkConfig(command, directory, user);
      ChildProcess process = ChildProcess.start("nginx", new ProcessBuilder(command).directory(directory.toFile()),
          directory.resolve("stdout.log"), user);
      NginxProcess started = new NginxProcess(directory, process, ports);
      started.awaitAnswering();
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shipped server config with listen ports and upstream names mapped to loopback. */
  static String rewrite(String shipped, Map<String, List<Integer>> services, Map<Integer, Integer> ports) {
    List<Integer> shippedPorts = LISTEN.matcher(shipped).results()
        .map(m -> Integer.parseInt(m.group(2))).distinct().toList();
    int[] free = FreePorts.allocate(shippedPorts.size());
    for (int i = 0; i < free.length; i++) {
      ports.put(shippedPorts.get(i), free[i]);
    }
    String listened = LISTEN.matcher(shipped).replaceAll(m -> Matcher.quoteReplacement(
        m.group(1) + "127.0.0.1:" + ports.get(Integer.parseInt(m.group(2))) + m.group(3)));
    assertThat(ports).as("listen directives in %s", SHIPPED_CONFIG).isNotEmpty();

    Matcher service = SERVICE.matcher(listened);
    StringBuilder proxied = new StringBuilder();
    Map<String, List<Integer>> used = new LinkedHashMap<>();
    while (service.find()) {
      String name = service.group(1);
      assertThat(services).as("loopback ports for the upstream '%s' in %s", name, SHIPPED_CONFIG)
          .containsKey(name);
      used.put(name, services.get(name));
      // A variable whose value names an upstream group is served by that group, unresolved.
      service.appendReplacement(proxied, "trackflow_" + name);
    }
    service.appendTail(proxied);
    String groups = used.entrySet().stream()
        .map(e -> "upstream trackflow_" + e.getKey() + " {\n"
            + e.getValue().stream().map(p -> "  server 127.0.0.1:" + p + ";\n").collect(Collectors.joining())
            + "}\n")
        .collect(Collectors.joining());
    return "# " + SHIPPED_CONFIG + " with listen ports and upstreams mapped to loopback\n" + groups + proxied;
  }

  /** The official nginx image's nginx.conf, with every path in {@code directory}. */
  private static String mainConfig(Path directory) {
    return """
        worker_processes 1;
        error_log %1$s/error.log notice;
        pid %1$s/nginx.pid;
        events { worker_connections 1024; }
        http {
          include /etc/nginx/mime.types;
          default_type application/octet-stream;
          access_log %1$s/access.log;
          client_body_temp_path %1$s/client_body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          sendfile on;
          keepalive_timeout 65;
          include %1$s/default.conf;
        }
        """.formatted(directory);
  }

  private static void checkConfig(List<String> command, Path directory, String user) {
    List<String> test = new ArrayList<>(command.subList(0, command.size() - 2));
    test.add("-t");
    ChildProcess check = ChildProcess.start("nginx -t", new ProcessBuilder(test).directory(directory.toFile()),
        directory.resolve("config-test.log"), user);
    assertThat(check.waitFor(Duration.ofSeconds(30))).as("nginx -t finished").isTrue();
    assertThat(check.exitValue()).as("nginx -t on %s:\n%s", SHIPPED_CONFIG, check.log()).isZero();
  }

  private void awaitAnswering() {
    Await.until("nginx to answer on its status listener", Duration.ofSeconds(30), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("nginx exited with " + process.exitValue() + ":\n" + process.log()
            + "\n" + errorLog());
      }
      return new TrackflowHttp(port(8081)).get("/stub_status", Map.of()).statusCode();
    }, status -> status == 200);
  }

  /** The loopback port standing in for {@code shippedPort} (80: public, 8081: status). */
  int port(int shippedPort) {
    assertThat(ports).as("listen ports of %s", SHIPPED_CONFIG).containsKey(shippedPort);
    return ports.get(shippedPort);
  }

  /** A client of the public listener connecting from {@code clientAddress}. */
  TrackflowHttp client(InetAddress clientAddress) {
    return new TrackflowHttp(port(80), clientAddress);
  }

  String errorLog() {
    try {
      Path log = directory.resolve("error.log");
      return Files.exists(log) ? Files.readString(log) : "(no error log)";
    } catch (IOException e) {
      return "(error log unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.terminate(Duration.ofSeconds(10));
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover directory in /tmp is harmless; the next run uses a new one.
    }
  }
}

package io.trackflow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A ClickHouse server (Debian's 18.16 here) with a generated minimal configuration: HTTP and
 * native TCP on free loopback ports, data, tmp and user_files under the service directory, a
 * {@code default} user without password, and a user that needs one ({@link #passwordUser()}).
 */
public final class ClickHouseService extends RealService {

  static final List<String> SERVER_BINARIES =
      List.of("/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server", "clickhouse-server");
  static final List<String> MULTI_TOOL_BINARIES = List.of("/usr/bin/clickhouse", "clickhouse");

  private static final String PASSWORD_USER = "trackflow_secured";

  private final List<String> serverCommand;
  // Hex, so it needs no escaping in users.xml; fixed for the life of the instance (restarts too).
  private final String password = newPassword();
  private HttpClient http;
  private int httpPort;
  private int tcpPort;

  private ClickHouseService(List<String> serverCommand) {
    super("ClickHouse");
    this.serverCommand = serverCommand;
    choosePorts();
  }

  /** A stopped instance; fails first if the server binary is missing. */
  static ClickHouseService create() {
    return new ClickHouseService(findServerCommand());
  }

  /** Starts a private ClickHouse; the caller closes it. Tests usually share one via {@link RealServices}. */
  public static ClickHouseService launch() {
    return RealServices.started(create());
  }

  /** Base URL of the HTTP interface, e.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
  public String httpUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Loopback host the server listens on. */
  public String host() {
    return "127.0.0.1";
  }

  /**
   * A user with all rights that signs in only with {@link #password()}, as current ClickHouse
   * images require: they refuse network access to a password-less {@code default}.
   */
  public String passwordUser() {
    return PASSWORD_USER;
  }

  /** The password of {@link #passwordUser()}. */
  public String password() {
    return password;
  }

  /** Port of the HTTP interface. */
  public int httpPort() {
    return httpPort;
  }

  /** Port of the native TCP protocol (clickhouse-client). */
  public int tcpPort() {
    return tcpPort;
  }

  /**
   * Runs one statement over HTTP and returns the response body; fails with ClickHouse's error
   * text on a non-200 answer. For test set-up and independent checks, not for code under test.
   */
  public String query(String sql) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(httpUrl() + "/"))
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> response;
    try {
      response = http().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("ClickHouse at " + httpUrl() + " unreachable for: " + sql, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during ClickHouse query: " + sql, e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException("ClickHouse answered " + response.statusCode() + " to: " + sql
          + "\n" + response.body());
    }
    return response.body();
  }

  /** Creates a database with a fresh name and returns the name. */
  public String newDatabase() {
    String database = TestNames.unique("db");
    query("CREATE DATABASE " + database);
    return database;
  }

  @Override
  void choosePorts() {
    int[] ports = FreePorts.allocate(2);
    httpPort = ports[0];
    tcpPort = ports[1];
  }

  @Override
  void configure() throws IOException {
    Path dir = directory();
    for (String sub : List.of("data", "tmp", "user_files", "format_schemas")) {
      Files.createDirectories(dir.resolve(sub));
    }
    Files.writeString(dir.resolve("config.xml"), config(dir, httpPort, tcpPort));
    Files.writeString(dir.resolve("users.xml"), users(PASSWORD_USER, password));
  }

  static String config(Path dir, int httpPort, int tcpPort) {
    return """
        <?xml version="1.0"?>
        <yandex>
          <logger>
            <level>information</level>
            <console>1</console>
          </logger>
          <listen_host>127.0.0.1</listen_host>
          <http_port>%d</http_port>
          <tcp_port>%d</tcp_port>
          <path>%s/data/</path>
          <tmp_path>%s/tmp/</tmp_path>
          <user_files_path>%s/user_files/</user_files_path>
          <format_schema_path>%s/format_schemas/</format_schema_path>
          <users_config>users.xml</users_config>
          <default_profile>default</default_profile>
          <default_database>default</default_database>
          <timezone>UTC</timezone>
          <mark_cache_size>134217728</mark_cache_size>
          <max_concurrent_queries>100</max_concurrent_queries>
        </yandex>
        """.formatted(httpPort, tcpPort, dir, dir, dir, dir);
  }

  static String users(String passwordUser, String password) {
    return """
      <?xml version="1.0"?>
      <yandex>
        <profiles>
          <default>
            <max_memory_usage>4000000000</max_memory_usage>
          </default>
        </profiles>
        <users>
          <default>
            <password></password>
            <networks>
              <ip>::/0</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
          </default>
          <%1$s>
            <password>%2$s</password>
            <networks>
              <ip>::/0</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
          </%1$s>
        </users>
        <quotas>
          <default>
            <interval>
              <duration>3600</duration>
              <queries>0</queries>
              <errors>0</errors>
              <result_rows>0</result_rows>
              <read_rows>0</read_rows>
              <execution_time>0</execution_time>
            </interval>
          </default>
        </quotas>
      </yandex>
      """.formatted(passwordUser, password);
  }

  @Override
  List<String> command() {
    return concat(serverCommand, "--config-file=" + directory().resolve("config.xml"));
  }

  @Override
  boolean probe() throws Exception {
    HttpRequest ping = HttpRequest.newBuilder(URI.create(httpUrl() + "/ping"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    HttpResponse<String> response = http().send(ping, HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 && response.body().strip().equals("Ok.");
  }

  @Override
  String endpoint() {
    return httpUrl();
  }

  @Override
  synchronized void beforeStop() {
    // ClickHouse's graceful stop waits for idle keep-alive connections (keep_alive_timeout,
    // 10 s), so drop ours; clients under test still hold theirs, as in production.
    if (http != null) {
      http.shutdownNow();
      http = null;
    }
  }

  private synchronized HttpClient http() {
    if (http == null) {
      http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }
    return http;
  }

  private static String newPassword() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static List<String> findServerCommand() {
    Optional<Path> server = Host.findExecutable(SERVER_BINARIES);
    if (server.isPresent()) {
      return List.of(server.get().toString());
    }
    // Newer packages ship one "clickhouse" binary that runs the server as a sub-command.
    Optional<Path> multiTool = Host.findExecutable(MULTI_TOOL_BINARIES);
    if (multiTool.isPresent()) {
      return List.of(multiTool.get().toString(), "server");
    }
    List<String> all = new ArrayList<>(SERVER_BINARIES);
    all.addAll(MULTI_TOOL_BINARIES);
    throw new MissingServiceBinaryException("ClickHouse server", Host.describe(all), "clickhouse-server");
  }

  private static List<String> concat(List<String> head, String last) {
    List<String> all = new ArrayList<>(head);
    all.add(last);
    return all;
  }
}

package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.collector.enrich.ClientIpResolver;
import io.trackflow.core.config.ConfigLoader;
import io.trackflow.core.config.Role;
import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.testsupport.HostTool;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * docker-compose.yml as shipped: Debian's docker-compose 1.29 validates it with a filled-in .env
 * (and refuses it without one), and its resolved form holds what an operator of a public server
 * relies on. Every TrackFlow service's environment is also loaded as TrackFlow would load it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeFileTest {

  static final String MONITORING = "monitoring";
  static final String TRACKFLOW_IMAGE = "trackflow:local";
  private static final Set<String> MONITORING_SERVICES =
      Set.of("prometheus", "grafana", "kafka-exporter", "redis-exporter", "postgres-exporter", "nginx-exporter");
  /** Secrets an operator must choose; .env.example must leave every one of them empty. */
  private static final List<String> SECRETS = List.of("TRACKFLOW_JWT_SECRET", "TRACKFLOW_ADMIN_PASSWORD",
      "CLICKHOUSE_PASSWORD", "POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD");
  // An exact release: three or four numbers, optionally v-prefixed and suffixed (-alpine).
  private static final Pattern PINNED_TAG = Pattern.compile("v?\\d+\\.\\d+\\.\\d+(\\.\\d+)?([-_][A-Za-z0-9._-]+)?");
  // PostgreSQL numbers its releases major.minor: 16.6 is one exact release, not a series.
  private static final Pattern PINNED_POSTGRES_TAG = Pattern.compile("\\d+\\.\\d+(-[A-Za-z0-9._-]+)?");
  /** What a JVM needs beyond the shutdown bound to exit after it (hooks, log flush). */
  private static final Duration JVM_EXIT_MARGIN = Duration.ofSeconds(5);

  private Map<String, String> env;
  private Path copy;
  private Map<String, Object> model;
  private List<ComposeService> services;

  @BeforeAll
  void resolve(@TempDir Path dir) {
    env = ComposeProject.filledEnv();
    ComposeProject project = ComposeProject.copy(dir, env);
    copy = project.directory();
    model = project.resolved();
    services = ComposeService.all(model);
  }

  @Test
  @DisplayName("docker-compose accepts the file with a filled-in .env, with and without the monitoring profile, and warns about nothing it would ignore")
  void validates(@TempDir Path dir) {
    ComposeProject project = ComposeProject.copy(dir, ComposeProject.filledEnv());
    for (String[] args : List.of(new String[0], new String[] {"--profile", MONITORING})) {
      HostTool.Output output = project.validate(args);
      assertThat(output.exitCode()).as("docker-compose %s config -q:\n%s", String.join(" ", args), output.stderr())
          .isZero();
      assertThat(output.stderr()).as("docker-compose warnings").isBlank();
    }
  }

  @Test
  @DisplayName(".env.example leaves every secret empty, and copied unedited it is refused with a message naming what to set")
  void uneditedEnvExampleIsRefused(@TempDir Path dir) {
    assertThat(ComposeProject.requiredInEnv()).containsAll(SECRETS);

    HostTool.Output output = ComposeProject.copy(dir, ComposeProject.envExample()).validate();

    assertThat(output.exitCode()).isNotZero();
    assertThat(ComposeProject.requiredInEnv())
        .anySatisfy(name -> assertThat(output.stderr()).contains("set " + name + " in .env"));
  }

  @Test
  @DisplayName("Each value .env.example leaves empty is required: without it compose stops and names it")
  void eachRequiredValueIsEnforced(@TempDir Path dir) throws IOException {
    for (String missing : ComposeProject.requiredInEnv()) {
      Map<String, String> partial = new LinkedHashMap<>(ComposeProject.filledEnv());
      partial.remove(missing);
      HostTool.Output output = ComposeProject.copy(Files.createDirectory(dir.resolve(missing)), partial).validate();
      assertThat(output.exitCode()).as("config without %s", missing).isNotZero();
      assertThat(output.stderr()).as("config without %s", missing).contains("set " + missing + " in .env");
    }
  }

  @Test
  @DisplayName("No secret has a default: every reference to one demands it, and every password in a service comes from .env")
  void noDefaultSecrets() {
    Matcher reference = Pattern.compile("\\$\\{([A-Z0-9_]+)([^}]*)}").matcher(ComposeProject.read(ComposeProject.COMPOSE_FILE));
    while (reference.find()) {
      if (ComposeProject.requiredInEnv().contains(reference.group(1))) {
        assertThat(reference.group(2)).as("${%s…} must fail when unset", reference.group(1)).startsWith(":?");
      }
    }
    List<String> secretValues = SECRETS.stream().map(env::get).toList();
    Pattern urlPassword = Pattern.compile("://[^:/@]+:([^@]+)@");
    for (ComposeService service : services) {
      service.environment().forEach((name, value) -> {
        if (name.matches(".*(PASSWORD|SECRET).*")) {
          assertThat(secretValues).as("%s %s", service.name(), name).contains(value);
        }
        Matcher m = urlPassword.matcher(value);
        if (m.find()) {
          assertThat(secretValues).as("password in %s %s", service.name(), name).contains(m.group(1));
        }
      });
    }
    assertThat(ComposeService.named(model, "grafana").environment()).containsEntry("GF_AUTH_ANONYMOUS_ENABLED", "false");
  }

  @Test
  @DisplayName("Every service has a health check, a restart policy, a memory limit and rotated logs")
  void everyServiceIsSupervised() {
    for (ComposeService service : services) {
      List<Object> test = ComposeProject.cast(service.map("healthcheck").getOrDefault("test", List.of()));
      assertThat(test).as("%s healthcheck", service.name()).isNotEmpty().doesNotContain("NONE");
      assertThat(service.map("healthcheck").get("disable")).as("%s healthcheck disabled", service.name()).isNull();
      assertThat(service.string("restart")).as("%s restart", service.name()).isIn("unless-stopped", "always");
      assertThat(service.string("mem_limit")).as("%s mem_limit", service.name()).isNotEmpty();
      Map<String, Object> logOptions = ComposeProject.cast(service.map("logging").getOrDefault("options", Map.of()));
      assertThat(logOptions).as("%s log rotation", service.name()).containsKeys("max-size", "max-file");
    }
  }

  @Test
  @DisplayName("Every dependency waits for the other service to be healthy, and the cluster never depends on the monitoring profile")
  void dependenciesWaitForHealth() {
    for (ComposeService service : services) {
      service.map("depends_on").forEach((dependency, spec) -> {
        Map<String, Object> condition = ComposeProject.cast(spec);
        assertThat(condition.get("condition")).as("%s → %s", service.name(), dependency).isEqualTo("service_healthy");
        if (!MONITORING_SERVICES.contains(service.name())) {
          assertThat(MONITORING_SERVICES).as("%s → %s", service.name(), dependency).doesNotContain(dependency);
        }
      });
    }
  }

  @Test
  @DisplayName("The monitoring profile holds exactly Prometheus, Grafana and the exporters; everything else runs without it")
  void monitoringProfile() {
    for (ComposeService service : services) {
      List<String> expected = MONITORING_SERVICES.contains(service.name()) ? List.of(MONITORING) : List.of();
      assertThat(service.profiles()).as(service.name()).isEqualTo(expected);
    }
    assertThat(services).extracting(ComposeService::name).containsAll(MONITORING_SERVICES);
  }

  @Test
  @DisplayName("Every image is pinned to an exact release, in compose and in each Dockerfile; images built here are never pulled")
  void imagesArePinned() throws IOException {
    for (ComposeService service : services) {
      String image = service.image();
      assertThat(image).as(service.name()).contains(":");
      if (service.built()) {
        assertThat(service.string("pull_policy")).as("%s pull_policy", service.name()).isEqualTo("build");
      } else {
        Pattern pinned = image.startsWith("postgres:") ? PINNED_POSTGRES_TAG : PINNED_TAG;
        assertThat(tag(image)).as("%s image %s", service.name(), image).matches(pinned);
      }
    }
    for (Path dockerfile : dockerfiles()) {
      for (String line : Files.readAllLines(dockerfile)) {
        Matcher from = Pattern.compile("^FROM\\s+(?:--\\S+\\s+)*(\\S+)").matcher(line.strip());
        if (from.find() && !isStageName(dockerfile, from.group(1))) {
          assertThat(tag(from.group(1))).as("%s: %s", ComposeProject.ROOT.relativize(dockerfile), line).matches(PINNED_TAG);
        }
      }
    }
  }

  @Test
  @DisplayName("Only nginx is published to the world, and Grafana only on the host's loopback")
  void onlyNginxAndGrafanaArePublished() {
    for (ComposeService service : services) {
      assertThat(service.string("network_mode")).as("%s network_mode", service.name()).isNotEqualTo("host");
      switch (service.name()) {
        case "nginx" -> assertThat(service.ports()).extracting(ComposeService.Port::target).containsExactly(80);
        case "grafana" -> assertThat(service.ports()).containsExactly(new ComposeService.Port("127.0.0.1", 3000, 3000));
        default -> assertThat(service.ports()).as("%s ports", service.name()).isEmpty();
      }
    }
  }

  @Test
  @DisplayName("Every role that reads client addresses trusts exactly nginx, whose fixed address is in the network's subnet outside Docker's dynamic range")
  void trustedProxiesAreNginxOnly() throws Exception {
    ComposeService nginx = ComposeService.named(model, "nginx");
    Map<String, Object> nginxNetworks = nginx.map("networks");
    assertThat(nginxNetworks).hasSize(1);
    String networkName = nginxNetworks.keySet().iterator().next();
    Map<String, Object> attachment = ComposeProject.cast(nginxNetworks.get(networkName));
    String nginxAddress = attachment.get("ipv4_address").toString();
    Map<String, Object> network = ComposeProject.cast(ComposeProject.<Map<String, Object>>cast(model.get("networks")).get(networkName));
    List<Map<String, Object>> ipam = ComposeProject.cast(ComposeProject.<Map<String, Object>>cast(network.get("ipam")).get("config"));
    String subnet = ipam.getFirst().get("subnet").toString();
    String dynamicRange = ipam.getFirst().get("ip_range").toString();
    assertThat(inCidr(nginxAddress, subnet)).as("%s in %s", nginxAddress, subnet).isTrue();
    assertThat(inCidr(nginxAddress, dynamicRange)).as("%s outside %s", nginxAddress, dynamicRange).isFalse();
    assertThat(inCidr(dynamicRange.split("/")[0], subnet)).as("%s within %s", dynamicRange, subnet).isTrue();

    List<String> readers = new ArrayList<>();
    for (ComposeService service : trackflowServices()) {
      TrackflowConfig config = ConfigLoader.load(service.environment());
      // Collectors derive visitor ids and countries from it, the query role its sign-in limits.
      if (config.hasRole(Role.COLLECTOR) || config.hasRole(Role.QUERY)) {
        readers.add(service.name());
        assertThat(config.list(Setting.TRUSTED_PROXIES)).as(service.name()).containsExactly(nginxAddress);
        assertThat(service.map("networks")).as(service.name()).containsKey(networkName);
      }
    }
    assertThat(readers).contains("collector", "query");

    // Why nginx alone and not the subnet: clients that reach nginx through Docker's userland
    // proxy (IPv6, or from the host) arrive from the subnet's gateway. nginx appends that address
    // to whatever X-Forwarded-For the client wrote, and it must be where the walk stops.
    String gateway = subnet.replaceAll("\\.0/\\d+$", ".1");
    ClientIpResolver collectorView = new ClientIpResolver(
        ConfigLoader.load(ComposeService.named(model, "collector").environment()).list(Setting.TRUSTED_PROXIES));
    assertThat(collectorView.resolve(nginxAddress, "203.0.113.7, " + gateway))
        .isEqualTo(InetAddress.getByName(gateway).getAddress());
    assertThat(collectorView.resolve(nginxAddress, "203.0.113.7, 198.51.100.20"))
        .isEqualTo(InetAddress.getByName("198.51.100.20").getAddress());
    assertThat(collectorView.resolve(gateway, "203.0.113.7")).isEqualTo(InetAddress.getByName(gateway).getAddress());
  }

  @Test
  @DisplayName("Each TrackFlow service gets a valid configuration, a health check on /health/ready, and a stop grace period that outlasts its shutdown bound")
  void trackflowRoles() {
    List<ComposeService> trackflow = trackflowServices();
    assertThat(trackflow).extracting(ComposeService::name).contains("collector", "writer", "query");
    for (ComposeService service : trackflow) {
      TrackflowConfig config = ConfigLoader.load(service.environment());
      assertThat(config.standalone()).as(service.name()).isFalse();
      List<Object> test = ComposeProject.cast(service.map("healthcheck").get("test"));
      assertThat(String.join(" ", test.stream().map(Object::toString).toList())).as(service.name())
          .contains("http://127.0.0.1:" + config.httpPort() + "/health/ready");
      Duration grace = service.duration("stop_grace_period").orElse(Duration.ofSeconds(10));
      assertThat(grace).as("%s stop_grace_period vs. shutdown bound %s", service.name(), Main.shutdownBound(config))
          .isGreaterThanOrEqualTo(Main.shutdownBound(config).plus(JVM_EXIT_MARGIN));
      if (config.hasRole(Role.WRITER)) {
        // A writer owns whole partitions: more replicas than partitions sit idle.
        assertThat(service.replicas()).as("%s replicas ≤ partitions", service.name())
            .isLessThanOrEqualTo(config.integer(Setting.KAFKA_PARTITIONS));
      }
    }
  }

  @Test
  @DisplayName("TrackFlow signs in to ClickHouse as the user and password the ClickHouse service is given, not as default")
  void clickhouseCredentials() {
    Map<String, String> server = ComposeService.named(model, "clickhouse").environment();
    assertThat(server.get("CLICKHOUSE_USER")).isNotBlank().isNotEqualTo("default");
    for (ComposeService service : trackflowServices()) {
      Map<String, String> app = service.environment();
      if (app.containsKey("TRACKFLOW_CLICKHOUSE_URL")) {
        assertThat(app.get("TRACKFLOW_CLICKHOUSE_USER")).as(service.name()).isEqualTo(server.get("CLICKHOUSE_USER"));
        assertThat(app.get("TRACKFLOW_CLICKHOUSE_PASSWORD")).as(service.name()).isEqualTo(server.get("CLICKHOUSE_PASSWORD"));
      }
    }
  }

  @Test
  @DisplayName("State lives on named volumes: Kafka's log dirs, Redis with AOF and no eviction, ClickHouse, PostgreSQL, Prometheus, Grafana")
  void stateIsOnVolumes() {
    ComposeService kafka = ComposeService.named(model, "kafka");
    String logDirs = kafka.environment().get("KAFKA_LOG_DIRS");
    assertThat(logDirs).as("KAFKA_LOG_DIRS").isNotBlank();
    for (String dir : logDirs.split(",")) {
      assertThat(kafka.volumeAt(dir)).as("volume at Kafka log dir %s", dir).hasValueSatisfying(this::isNamedVolume);
    }
    ComposeService redis = ComposeService.named(model, "redis");
    String command = String.join(" ", redis.list("command").stream().map(Object::toString).toList());
    assertThat(command).contains("--appendonly yes").contains("--maxmemory-policy noeviction");
    Map<String, String> stateDirs = Map.of("redis", "/data", "clickhouse", "/var/lib/clickhouse",
        "postgres", "/var/lib/postgresql/data", "prometheus", "/prometheus", "grafana", "/var/lib/grafana");
    stateDirs.forEach((name, dir) -> assertThat(ComposeService.named(model, name).volumeAt(dir))
        .as("%s volume at %s", name, dir).hasValueSatisfying(this::isNamedVolume));
  }

  @Test
  @DisplayName("Files mounted from the repository exist there and are mounted read-only")
  void bindMountsAreReadOnly() {
    int bindMounts = 0;
    for (ComposeService service : services) {
      for (String volume : service.volumes()) {
        if (volume.startsWith("/")) {
          bindMounts++;
          assertThat(volume).as(service.name()).endsWith(":ro");
          Path source = Path.of(volume.split(":")[0]);
          assertThat(source.startsWith(copy)).as("%s mounts %s from the project", service.name(), source).isTrue();
          assertThat(ComposeProject.ROOT.resolve(copy.relativize(source).toString())).as("%s mounts", service.name()).exists();
        }
      }
    }
    assertThat(bindMounts).isGreaterThanOrEqualTo(7);
  }

  @Test
  @DisplayName("ClickHouse's config.d files are well-formed, all mounted, and serve Prometheus metrics on 9363")
  void clickhouseConfig() throws Exception {
    Path configDir = ComposeProject.ROOT.resolve("deploy/clickhouse/config.d");
    List<String> mounts = ComposeService.named(model, "clickhouse").volumes();
    List<Path> files;
    try (Stream<Path> list = Files.list(configDir)) {
      files = list.sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
      assertThat(xml.getDocumentElement().getTagName()).as(file.toString()).isEqualTo("clickhouse");
      assertThat(mounts).as("mount of %s", file.getFileName())
          .anyMatch(m -> m.endsWith("/deploy/clickhouse/config.d/" + file.getFileName()
              + ":/etc/clickhouse-server/config.d/" + file.getFileName() + ":ro"));
    }
    Document prometheus = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(configDir.resolve("prometheus.xml").toFile());
    assertThat(prometheus.getElementsByTagName("port").item(0).getTextContent()).isEqualTo("9363");
    assertThat(prometheus.getElementsByTagName("endpoint").item(0).getTextContent()).isEqualTo("/metrics");
  }

  @Test
  @DisplayName("The image builds in Docker without a local JDK, runs as a numeric non-root user, health-checks itself and exits on OutOfMemoryError")
  void dockerfile() {
    // Continuation lines joined, so each instruction is one line.
    String dockerfile = ComposeProject.read(ComposeProject.ROOT.resolve("Dockerfile")).replace("\\\n", " ");
    List<String> stages = List.of(dockerfile.split("(?m)^FROM "));
    String runtime = stages.getLast();
    assertThat(stages).as("a build stage that runs the Maven build").anyMatch(s -> s.contains("./mvnw") && s.contains(" package"));
    Matcher user = Pattern.compile("(?m)^USER (\\d+)(?::(\\d+))?$").matcher(runtime);
    assertThat(user.find()).as("numeric USER in the runtime stage").isTrue();
    assertThat(Integer.parseInt(user.group(1))).isPositive();
    assertThat(runtime).contains("chown " + user.group(1));
    assertThat(runtime).containsPattern("(?m)^HEALTHCHECK .*/health/ready");
    assertThat(runtime).containsPattern("(?m)^ENTRYPOINT .*-XX:\\+ExitOnOutOfMemoryError");
    List<String> ignored = List.of(ComposeProject.read(ComposeProject.ROOT.resolve(".dockerignore")).split("\n"));
    assertThat(ignored).contains(".git", ".env", "**/target/", "**/node_modules/", "data/");
  }

  List<ComposeService> trackflowServices() {
    return services.stream().filter(s -> s.image().equals(TRACKFLOW_IMAGE)).toList();
  }

  private void isNamedVolume(String volume) {
    String source = volume.split(":")[0];
    assertThat(source).as(volume).doesNotStartWith("/").doesNotStartWith(".");
    assertThat(ComposeProject.<Map<String, Object>>cast(model.get("volumes"))).containsKey(source);
  }

  private static String tag(String image) {
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon > slash ? image.substring(colon + 1) : "";
  }

  private static boolean isStageName(Path dockerfile, String reference) throws IOException {
    return Files.readString(dockerfile).matches("(?s).*(?i:\\bAS)\\s+" + Pattern.quote(reference) + "\\b.*");
  }

  private static List<Path> dockerfiles() throws IOException {
    try (Stream<Path> deploy = Files.walk(ComposeProject.ROOT.resolve("deploy"))) {
      List<Path> all = new ArrayList<>(deploy.filter(p -> p.getFileName().toString().equals("Dockerfile")).toList());
      all.add(ComposeProject.ROOT.resolve("Dockerfile"));
      return all;
    }
  }

  private static boolean inCidr(String address, String cidr) throws Exception {
    String[] parts = cidr.split("/");
    byte[] a = InetAddress.getByName(address).getAddress();
    byte[] net = InetAddress.getByName(parts[0]).getAddress();
    int bits = Integer.parseInt(parts[1]);
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >> (i % 8);
      if ((a[i / 8] & mask) != (net[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }
}

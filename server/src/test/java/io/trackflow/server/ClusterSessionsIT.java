package io.trackflow.server;

import static io.trackflow.server.Traffic.Channel.BEACON_JSON;
import static io.trackflow.server.Traffic.pageview;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.config.Setting;
import io.trackflow.server.Traffic.Ev;
import io.trackflow.server.Traffic.Visitor;
import io.trackflow.testsupport.ChildProcess;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.KafkaService;
import io.trackflow.testsupport.PostgresService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.RedisService;
import io.trackflow.testsupport.TestNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions in the cluster deployment while writers change: separate TrackFlow processes for the
 * query role, the collector and one or two writers, on the real Kafka, Redis, ClickHouse and
 * PostgreSQL from test-support. Hits go in through the collector, numbers come out of the query
 * process's stats API, and every number is compared with what {@link Traffic} computes from the
 * hits alone.
 */
@ExtendWith(RealServices.class)
class ClusterSessionsIT {

  private final KafkaService kafka;
  private final RedisService redis;
  private final ClickHouseService clickHouse;
  private final PostgresService postgres;

  @TempDir Path dir;
  private Map<Setting, String> shared;
  private String clickHouseDatabase;

  ClusterSessionsIT(KafkaService kafka, RedisService redis, ClickHouseService clickHouse, PostgresService postgres) {
    this.kafka = kafka;
    this.redis = redis;
    this.clickHouse = clickHouse;
    this.postgres = postgres;
  }

  @BeforeEach
  void freshCluster() {
    clickHouseDatabase = clickHouse.newDatabase();
    shared = new HashMap<>(Map.of(
        Setting.CLICKHOUSE_URL, clickHouse.httpUrl(),
        Setting.CLICKHOUSE_DATABASE, clickHouseDatabase,
        Setting.PG_URL, postgres.uri(postgres.newDatabase()),
        Setting.REDIS_URL, redis.uri(),
        Setting.KAFKA_BOOTSTRAP, kafka.bootstrapServers(),
        Setting.KAFKA_TOPIC, TestNames.unique("events"),
        Setting.KAFKA_GROUP, TestNames.unique("writers"),
        Setting.KAFKA_PARTITIONS, "3",
        Setting.JWT_SECRET, "cluster-test-signing-key-of-more-than-32-chars"));
  }

  private Map<Setting, String> process(String name, String roles) {
    Map<Setting, String> settings = RunningServer.base(dir.resolve(name));
    settings.putAll(shared);
    settings.put(Setting.ROLES, roles);
    settings.put(Setting.TRUSTED_PROXIES, "127.0.0.1");
    settings.put(Setting.ADMIN_EMAIL, StandaloneEndToEndIT.ADMIN_EMAIL);
    settings.put(Setting.ADMIN_PASSWORD, StandaloneEndToEndIT.ADMIN_PASSWORD);
    return settings;
  }

  private static TrackflowHttp signIn(RunningServer query) {
    return query.http().login(StandaloneEndToEndIT.ADMIN_EMAIL, StandaloneEndToEndIT.ADMIN_PASSWORD);
  }

  private static double metric(RunningServer server, String name) {
    return new PrometheusScrape(server.http().metrics()).sum(name);
  }

  /** Visits, pageviews, bounce rate, duration, views per visit, entry and exit pages, sources. */
  private static void assertVisits(TrackflowHttp api, Traffic t, long visits, long pageviews) {
    ShopScenario.assertStats(api, t);
    List<String> metrics = List.of("visitors", "visits", "pageviews", "bounce_rate", "views_per_visit");
    Map<String, Number> totals = TrackflowHttp.totals(api.query(TrackflowHttp.stats(t.site(), metrics, List.of())), metrics);
    assertThat(totals.get("visitors").longValue()).as("visitors").isEqualTo(visits);
    assertThat(totals.get("visits").longValue()).as("visits").isEqualTo(visits);
    assertThat(totals.get("pageviews").longValue()).as("pageviews").isEqualTo(pageviews);
    assertThat(totals.get("bounce_rate").longValue()).as("bounce rate").isZero();
    assertThat(totals.get("views_per_visit").doubleValue()).as("views per visit")
        .isEqualTo(Math.round(100.0 * pageviews / visits) / 100.0);
    assertThat(TrackflowHttp.breakdown(api.query(TrackflowHttp.stats(t.site(), List.of("visits"), List.of("visit:exit_page")))))
        .as("exit pages").isEqualTo(t.visitsByExitPage());
  }

  @Test
  @DisplayName("40 visitors with one page before and one after a writer process's SIGKILL and a collector restart are 40 visitors, 40 visits, 0% bounce, with their entry pages, exit pages and sources")
  void writerKillAndCollectorRestart() {
    Map<Setting, String> writerSettings = new java.util.EnumMap<>(shared);
    writerSettings.put(Setting.ROLES, "writer");
    try (RunningServer query = RunningServer.start(process("query", "query"))) {
      TrackflowHttp api = signIn(query);
      String site = StandaloneEndToEndIT.newSiteDomain("kill");
      api.createSite(site, "UTC");
      Traffic t;
      List<Visitor> visitors = new ArrayList<>();
      String[][] sources = {{"https://www.google.com/search?q=shop", "Google"}, {"https://news.ycombinator.com/", "Hacker News"},
          {"", Traffic.DIRECT}};
      try (JarProcess writer = JarProcess.start("writer", writerSettings, dir.resolve("writer"), "256m").awaitReady();
          RunningServer collector = RunningServer.start(process("collector", "collector"))) {
        StandaloneEndToEndIT.awaitSiteAccepted(collector.http(), site);
        t = new Traffic(collector.http(), site);
        for (int i = 0; i < 40; i++) {
          Visitor v = t.visitor("10.7.0." + i, i % 3 == 0 ? Traffic.EDGE_WINDOWS : Traffic.CHROME_ANDROID);
          visitors.add(v);
          String[] source = sources[i % 3];
          Ev first = pageview("/start/" + i % 4);
          t.beacon(BEACON_JSON, v, source[0].isEmpty() ? first : first.from(source[0], source[1]));
        }
        ShopScenario.awaitTotals(api, site, List.of("visitors", "visits", "pageviews", "bounce_rate"),
            Map.of("visitors", 40, "visits", 40, "pageviews", 40, "bounce_rate", 100));
        writer.kill(); // SIGKILL: no shutdown hook, no flush, no commit, no leave-group
        Await.until("the writer process to be gone", writer::isAlive, alive -> !alive);
      }

      // A new collector (the old one stopped), and the visitors' second pages wait in Kafka until
      // a new writer takes the partitions over from the killed one.
      try (RunningServer collector = RunningServer.start(process("collector-again", "collector"))) {
        t.sendThrough(collector.http());
        for (Visitor v : visitors) {
          t.beacon(BEACON_JSON, v, pageview("/next"));
        }
        try (JarProcess writer = JarProcess.start("writer-again", writerSettings, dir.resolve("writer-again"), "256m")
            .awaitReady()) {
          assertVisits(api, t, 40, 80);
          assertThat(TrackflowHttp.breakdown(api.query(TrackflowHttp.stats(site, List.of("visitors"), List.of("visit:source")))))
              .as("sources").isEqualTo(Map.of("Google", 14L, "Hacker News", 13L, Traffic.DIRECT, 13L));
          assertThat(TrackflowHttp.breakdown(api.query(TrackflowHttp.stats(site, List.of("visits"), List.of("visit:exit_page")))))
              .as("exit pages").isEqualTo(Map.of("/next", 40L));
        }
      }
    }
  }

  @Test
  @DisplayName("A second writer that joins mid-stream and later leaves loses or splits no visit: 30 visitors with three pages each, ten of them sending their first two out of order, are 30 visits with 0% bounce, entry pages by event time")
  void rebalanceKeepsVisitsWhole() {
    try (RunningServer query = RunningServer.start(process("query", "query"));
        RunningServer collector = RunningServer.start(process("collector", "collector"));
        RunningServer writerOne = RunningServer.start(process("writer-one", "writer"))) {
      TrackflowHttp api = signIn(query);
      String site = StandaloneEndToEndIT.newSiteDomain("rebalance");
      api.createSite(site, "UTC");
      StandaloneEndToEndIT.awaitSiteAccepted(collector.http(), site);
      Traffic t = new Traffic(collector.http(), site);
      List<Visitor> visitors = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        Visitor v = t.visitor("10.5.0." + i, i % 2 == 0 ? Traffic.CHROME_WINDOWS : Traffic.SAFARI_IPHONE);
        visitors.add(v);
        if (i < 10) {
          // Stamped in page order, sent the other way round: the later page arrives first.
          Ev first = pageview("/from-search").from("https://www.google.com/search?q=" + i, "Google");
          Ev second = pageview("/compare").from("https://www.google.com/search?q=" + i, "Google");
          t.stamp(v, first);
          t.stamp(v, second);
          t.beacon(BEACON_JSON, v, second);
          t.beacon(BEACON_JSON, v, first);
        } else {
          t.beacon(BEACON_JSON, v, pageview("/landing/" + i % 3)
              .tagged("utm_source=newsletter&utm_campaign=" + i % 3, "newsletter"));
        }
      }
      ShopScenario.awaitTotals(api, site, List.of("pageviews"), Map.of("pageviews", 40));

      try (RunningServer writerTwo = RunningServer.start(process("writer-two", "writer"))) {
        Await.until("the second writer to own partitions", () -> metric(writerTwo, "trackflow_writer_sessions_rebuild_seconds_count"),
            loads -> loads >= 1);
        for (Visitor v : visitors) {
          t.beacon(BEACON_JSON, v, pageview("/pricing"));
        }
        ShopScenario.awaitTotals(api, site, List.of("pageviews"), Map.of("pageviews", 70));
        assertThat(metric(writerTwo, "trackflow_writer_rows_total")).as("rows the second writer stored").isPositive();
      }

      for (Visitor v : visitors) {
        t.beacon(BEACON_JSON, v, pageview("/thanks"));
      }
      assertVisits(api, t, 30, 100);
      assertThat(TrackflowHttp.breakdown(api.query(TrackflowHttp.stats(site, List.of("visits"), List.of("visit:entry_page")))))
          .as("entry pages").containsEntry("/from-search", 10L).doesNotContainKey("/compare");
    }
  }

  @Test
  @DisplayName("A writer killed between its insert and its commit is replaced, the replayed events count nothing twice: 20 one-page visits stay at 100% bounce and 1 view per visit, and their second pages make 20 visits at 0% bounce")
  void crashBetweenInsertAndCommit() {
    try (RunningServer query = RunningServer.start(process("query", "query"));
        RunningServer collector = RunningServer.start(process("collector", "collector"))) {
      TrackflowHttp api = signIn(query);
      String site = StandaloneEndToEndIT.newSiteDomain("replay");
      api.createSite(site, "UTC");
      StandaloneEndToEndIT.awaitSiteAccepted(collector.http(), site);
      Traffic t = new Traffic(collector.http(), site);
      List<Visitor> visitors = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        visitors.add(t.visitor("10.6.0." + i, Traffic.FIREFOX_LINUX));
        t.beacon(BEACON_JSON, visitors.get(i), pageview("/first/" + i % 4).from("https://duckduckgo.com/", "DuckDuckGo"));
      }

      long storedByKilled;
      try (ChildProcess frozen = startFreezingWriter()) {
        Await.until("the writer process to report its insert", Duration.ofSeconds(180), frozen::log,
            log -> log.contains(FreezingWriterMain.INSERTED) || !frozen.isAlive());
        assertThat(frozen.log()).as("the writer's output").contains(FreezingWriterMain.INSERTED);
        frozen.kill(); // SIGKILL: no shutdown hook, no commit, no leave-group
        assertThat(frozen.waitFor(Duration.ofSeconds(60))).isTrue();
        assertThat(frozen.exitValue()).as("exit status of a SIGKILLed JVM").isEqualTo(137);
      }
      storedByKilled = Long.parseLong(clickHouse.query("SELECT count() FROM " + clickHouseDatabase
          + ".events WHERE site = '" + site + "' AND name = 'pageview'").strip());
      assertThat(storedByKilled).as("pageviews the killed writer stored (with their sessions)").isPositive();

      try (RunningServer replacement = RunningServer.start(process("replacement", "writer"))) {
        // The replacement reads from the last commit (none), so the stored pageviews come again.
        double replayed = Await.until("the replacement to read the stored pageviews again",
            () -> metric(replacement, "trackflow_writer_sessions_replayed_total"), n -> n >= storedByKilled);
        assertThat(replayed).as("events read again that their sessions had counted").isEqualTo((double) storedByKilled);
        Await.until("the replacement to store what it read again",
            () -> metric(replacement, "trackflow_writer_rows_total"), rows -> rows >= storedByKilled);
        ShopScenario.awaitTotals(api, site, List.of("visitors", "visits", "pageviews", "bounce_rate", "views_per_visit"),
            Map.of("visitors", 20, "visits", 20, "pageviews", 20, "bounce_rate", 100, "views_per_visit", 1));

        for (Visitor v : visitors) {
          t.beacon(BEACON_JSON, v, pageview("/second"));
        }
        assertVisits(api, t, 20, 40);
      }
    }
  }

  /** A {@link FreezingWriterMain} process on the test's classpath, its output in a log file. */
  private ChildProcess startFreezingWriter() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), FreezingWriterMain.class.getName(),
        shared.get(Setting.KAFKA_BOOTSTRAP), shared.get(Setting.KAFKA_TOPIC), shared.get(Setting.KAFKA_GROUP),
        shared.get(Setting.CLICKHOUSE_URL), shared.get(Setting.CLICKHOUSE_DATABASE));
    return ChildProcess.start("freezing-writer", builder, dir.resolve("freezing-writer.log"), null);
  }
}

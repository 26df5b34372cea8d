package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.config.Setting;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.KafkaService;
import io.trackflow.testsupport.PostgresService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.RedisService;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promises of docs/reliability.md, each proven by injecting its fault into the cluster as
 * operators run it: the shaded jar as separate processes (a query, a collector, two writers) on
 * the real Kafka, Redis, ClickHouse and PostgreSQL, under steady beacon and pixel traffic. Every
 * test ends with exact counts: each hit answered (a beacon's {@code 202}, a pixel's GIF) stored
 * once in ClickHouse and counted once by the stats API, and the collector's per-site counters
 * adding up ({@link HitAccount}).
 *
 * <p>Durations. The producer's delivery timeout is 3 s here (15 s by default) so that a Kafka
 * outage outlasts it quickly; the Kafka outage under load lasts {@code trackflow.it.kafkaOutage}
 * (15 s; the bench runs 60 s), the ClickHouse outage {@code trackflow.it.storeOutage} (2 min).
 * Neither promise depends on more than outlasting the delivery timeout (Kafka) or the writer's
 * longest retry pause (ClickHouse); waits are on conditions, the durations only set how long a
 * fault lasts.
 */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {

  static final Duration KAFKA_OUTAGE = Duration.parse(System.getProperty("trackflow.it.kafkaOutage", "PT15S"));
  static final Duration STORE_OUTAGE = Duration.parse(System.getProperty("trackflow.it.storeOutage", "PT2M"));
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration STORED = Duration.ofMinutes(4);
  private static final String ADMIN_EMAIL = "ops@example.com";
  private static final String ADMIN_PASSWORD = "a-long-admin-password-for-fault-tests";

  private KafkaService kafka;
  private RedisService redis;
  private ClickHouseService clickHouse;
  private String database;
  private Path directory;
  private final Map<Setting, String> shared = new EnumMap<>(Setting.class);
  private final List<JarProcess> processes = new ArrayList<>();
  private final Map<JarProcess, TrackflowHttp> clients = new ConcurrentHashMap<>();
  private final AtomicReference<JarProcess> collector = new AtomicReference<>();
  private final List<JarProcess> writers = new ArrayList<>();
  private int restarts;
  private TrackflowHttp api;

  @BeforeAll
  void startCluster(KafkaService kafka, RedisService redis, ClickHouseService clickHouse,
      PostgresService postgres, @TempDir Path directory) {
    this.kafka = kafka;
    this.redis = redis;
    this.clickHouse = clickHouse;
    this.directory = directory;
    database = clickHouse.newDatabase();
    shared.put(Setting.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    shared.put(Setting.KAFKA_TOPIC, TestNames.unique("events"));
    shared.put(Setting.KAFKA_GROUP, TestNames.unique("writers"));
    shared.put(Setting.KAFKA_PARTITIONS, "4");
    shared.put(Setting.KAFKA_DELIVERY_TIMEOUT_MS, Long.toString(DELIVERY_TIMEOUT.toMillis()));
    shared.put(Setting.REDIS_URL, redis.uri());
    shared.put(Setting.CLICKHOUSE_URL, clickHouse.httpUrl());
    shared.put(Setting.CLICKHOUSE_DATABASE, database);
    shared.put(Setting.PG_URL, postgres.uri(postgres.newDatabase()));
    shared.put(Setting.JWT_SECRET, "fault-injection-signing-key-of-more-than-32-chars");
    shared.put(Setting.TRUSTED_PROXIES, "127.0.0.1");
    shared.put(Setting.WRITER_BATCH_AGE_MS, "200");
    // Writers hold at most three batches (3,000 events) in flight: a store outage under this
    // traffic soon leaves the rest in Kafka, where the consumer lag shows it.
    shared.put(Setting.WRITER_BATCH_SIZE, "1000");

    Map<Setting, String> querySettings = new EnumMap<>(shared);
    querySettings.put(Setting.ROLES, "query");
    querySettings.put(Setting.ADMIN_EMAIL, ADMIN_EMAIL);
    querySettings.put(Setting.ADMIN_PASSWORD, ADMIN_PASSWORD);
    JarProcess query = launch("query", "query", querySettings, "256m");
    collector.set(launch("collector", "collector", withRole("collector"), "384m"));
    writers.add(launch("writer-1", "writer-1", withRole("writer"), "256m"));
    writers.add(launch("writer-2", "writer-2", withRole("writer"), "256m"));
    processes.forEach(JarProcess::awaitReady);
    api = new TrackflowHttp(query.port()).login(ADMIN_EMAIL, ADMIN_PASSWORD);
  }

  @AfterAll
  void stopCluster() {
    kafka.start();
    redis.start();
    clickHouse.start();
    processes.forEach(JarProcess::close);
  }

  // ---- Kafka ---------------------------------------------------------------------------------------

  @Test
  @Order(1)
  @DisplayName("Kafka killed under steady beacon and pixel load: while the collector holds the queue unavailable it answers beacons 503 with Retry-After and says so in readiness and metrics; when the broker returns it recovers by itself, every retried beacon and every pixel is stored once, and the per-site counters add up to the rows stored")
  void kafkaOutageUnderLoad() {
    String site = newSite("kafka_outage");
    HitLoad load = new HitLoad(this::collectorHttp, site, "ko", 40, 40).start();
    load.resetRefusalTimes();
    long killed = System.nanoTime();
    kafka.kill();
    try {
      Await.until("the collector to hold the queue unavailable", () -> queueUnavailable(), v -> v == 1.0);
      // The state, not a stopwatch: answered while the collector holds the broker down, a beacon
      // gets 503 at once (the collector neither dedups nor publishes it in this state).
      HttpResponse<String> refused = collectorHttp().beacon(new JsonObject().put("n", "pageview").put("d", site)
          .put("u", "https://" + site + "/direct").put("id", "ko-direct").encode(), "application/json",
          Map.of("User-Agent", Traffic.CHROME_WINDOWS.userAgent()));
      assertThat(refused.statusCode()).as("a beacon while the queue is unavailable: %s", refused.body()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
      assertThat(queueUnavailable()).as("still unavailable after that answer").isEqualTo(1.0);
      JsonObject ready = new JsonObject(collectorHttp().get("/health/ready", Map.of()).body());
      assertThat(ready.getString("status")).as("readiness %s", ready).isEqualTo("UP");
      assertThat(ready.getJsonObject("checks").getString("queue")).as("readiness %s", ready).isEqualTo("DEGRADED");
      Await.until("the outage to last " + KAFKA_OUTAGE + " with beacons refused meanwhile", Duration.ofMinutes(10),
          () -> System.nanoTime() - killed > KAFKA_OUTAGE.toNanos() && load.refusals() > 0, Boolean::booleanValue);
    } finally {
      kafka.start();
    }
    Await.until("the collector to find the queue available again", Duration.ofMinutes(2),
        () -> queueUnavailable(), v -> v == 0.0);
    load.finish();
    Map<String, Double> refusalTimes = load.refusalMillis();
    System.out.printf("Beacon 503 answer times during a Kafka outage of %s (delivery timeout %s): %s ms%n",
        KAFKA_OUTAGE, DELIVERY_TIMEOUT, refusalTimes);
    HttpResponse<String> retried = collectorHttp().beacon(new JsonObject().put("n", "pageview").put("d", site)
        .put("u", "https://" + site + "/direct").put("id", "ko-direct").encode(), "application/json",
        Map.of("User-Agent", Traffic.CHROME_WINDOWS.userAgent()));
    assertThat(retried.statusCode()).as("the refused beacon retried: %s", retried.body()).isEqualTo(202);

    assertStoredOnce(site, load.expectedStored() + 1);
    HitAccount account = HitAccount.of(site, scrape(collector.get())).assertBalanced();
    assertThat(account.lost()).as("hits lost").isZero();
    assertThat(account.spooled()).as("hits still in the spool").isZero();
    assertThat(account.accepted()).as("hits accepted vs. rows stored").isEqualTo(storedRows(site, true));
  }

  @Test
  @Order(2)
  @DisplayName("Kafka down for longer than the producer's delivery timeout, with the collector stopped by SIGTERM and started again in the middle: pixel hits in flight when the broker died, spooled before the stop and after the restart are all stored once; the spool is closed cleanly and found whole")
  void kafkaOutageWithCollectorRestart() {
    String site = newSite("kafka_restart");
    long killed = System.nanoTime();
    kafka.kill();
    PrometheusScrape first;
    PrometheusScrape restarted;
    try {
      // Right after the kill: the first publishes still go to the producer and fail only after its
      // delivery timeout; the later ones are spooled at once.
      int before = sendPixels(site, "kr-a", 200);
      Await.until("all " + before + " pixel hits in the spool", () -> spooled(collector.get(), site),
          n -> n == before);
      assertThat(System.nanoTime() - killed).as("the outage outlasts the delivery timeout")
          .isGreaterThan(DELIVERY_TIMEOUT.toNanos());
      first = scrape(collector.get());

      JarProcess old = collector.get();
      assertThat(old.terminate(Duration.ofSeconds(30))).as("the collector exits on SIGTERM").isTrue();
      assertThat(old.log()).as("log of the stopped collector").contains("Stopped")
          .doesNotContain("Shutdown did not finish");
      collector.set(restart(old, "collector", withRole("collector"), "384m"));
      restarted = scrape(collector.get());
      assertThat(restarted.sum("trackflow_collector_spool_recovered_total", "site", site))
          .as("hits the restarted collector found in the spool").isEqualTo(before);
      assertThat(restarted.sum("trackflow_collector_spool_damaged_total")).as("damaged stretches").isZero();
      assertThat(queueUnavailable()).as("the new collector holds the queue unavailable").isEqualTo(1.0);

      int after = sendPixels(site, "kr-b", 100);
      Await.until("all pixel hits in the spool", () -> spooled(collector.get(), site), n -> n == before + after);
    } finally {
      kafka.start();
    }
    Await.until("the spool to be replayed", STORED, () -> spooled(collector.get(), site), n -> n == 0);
    assertStoredOnce(site, 300);
    HitAccount account = HitAccount.of(site, List.of(first, scrape(collector.get()))).assertBalanced();
    assertThat(account.lost()).isZero();
    assertThat(account.accepted()).as("accepted by both collectors vs. rows stored").isEqualTo(storedRows(site, true));
  }

  // ---- Redis and ClickHouse ------------------------------------------------------------------------

  @Test
  @Order(3)
  @DisplayName("Redis killed under load: no beacon is refused, dedup runs on its local fallback (readiness DEGRADED), and once Redis is back every hit is stored once")
  void redisKilledUnderLoad() {
    String site = newSite("redis_kill");
    HitLoad load = new HitLoad(this::collectorHttp, site, "rk", 40, 40).start();
    redis.kill();
    try {
      Await.until("the collector's dedup on its fallback", () -> readinessCheck("dedup"), "DEGRADED"::equals);
      int answered = load.expectedStored();
      Await.until("200 more hits answered without Redis", load::expectedStored, n -> n >= answered + 200);
    } finally {
      redis.start();
    }
    Await.until("dedup back on Redis", () -> readinessCheck("dedup"), "UP"::equals);
    load.finish();
    assertThat(load.refusals()).as("beacons refused").isZero();
    assertStoredOnce(site, load.expectedStored());
    HitAccount.of(site, scrape(collector.get())).assertBalanced();
  }

  @Test
  @Order(4)
  @DisplayName("ClickHouse killed for the configured outage (2 minutes) under load: beacons keep being accepted, the writers' consumer lag rises while inserts fail and falls back to zero once ClickHouse is back, and every hit is stored once")
  void clickHouseOutage() {
    String site = newSite("store_outage");
    HitLoad load = new HitLoad(this::collectorHttp, site, "so", 20, 20).start();
    long start = System.nanoTime();
    clickHouse.kill();
    double peak;
    try {
      double initial = writerLag();
      double[] highest = {initial};
      // Rising: past what the writers hold in flight, records wait in Kafka (a record is one
      // publish's events of one partition, a tick's worth here, so this is a few seconds' traffic).
      Await.until("an outage of " + STORE_OUTAGE + " with the consumer lag rising", STORE_OUTAGE.plusMinutes(5), () -> {
        highest[0] = Math.max(highest[0], writerLag());
        return System.nanoTime() - start > STORE_OUTAGE.toNanos() && highest[0] >= initial + 20;
      }, Boolean::booleanValue);
      peak = highest[0];
    } finally {
      clickHouse.start();
    }
    load.finish();
    Await.until("the consumer lag to fall back to zero", STORED, this::writerLag, lag -> lag == 0.0);
    System.out.printf("ClickHouse outage of %s: consumer lag peaked at %.0f records%n", STORE_OUTAGE, peak);
    assertThat(load.refusals()).as("beacons refused while only the store was down").isZero();
    assertStoredOnce(site, load.expectedStored());
    HitAccount.of(site, scrape(collector.get())).assertBalanced();
  }

  // ---- the roles' own processes --------------------------------------------------------------------

  @Test
  @Order(5)
  @DisplayName("SIGTERM to the collector and then to a writer under load: each exits cleanly, and every beacon answered 202 and every pixel answered before the signal is stored once")
  void sigtermUnderLoad() {
    String site = newSite("sigterm");
    HitLoad load = new HitLoad(this::collectorHttp, site, "st", 40, 40).start();
    JarProcess old = collector.get();
    int answered = load.expectedStored();
    Await.until("hits flowing", load::expectedStored, n -> n >= answered + 100);
    assertThat(old.terminate(Duration.ofSeconds(30))).as("the collector exits on SIGTERM").isTrue();
    assertThat(old.log()).contains("Stopped").doesNotContain("Shutdown did not finish");
    collector.set(restart(old, "collector", withRole("collector"), "384m"));

    JarProcess writer = writers.getFirst();
    double rows = writerRows(writer);
    Await.until(writer.name() + " storing rows", () -> writerRows(writer), n -> n > rows);
    assertThat(writer.terminate(Duration.ofSeconds(30))).as("the writer exits on SIGTERM").isTrue();
    assertThat(writer.log()).contains("Stopped").doesNotContain("Shutdown did not finish");
    writers.set(0, restart(writer, "writer-1", withRole("writer"), "256m"));

    load.finish();
    assertStoredOnce(site, load.expectedStored());
  }

  @Test
  @Order(6)
  @DisplayName("100,000 events sent while the writers are SIGKILLed five times (each restarted) are stored and counted exactly once each")
  void writersKilledFiveTimes() throws Exception {
    String site = newSite("writer_kills");
    int kills = 5;
    int requestsPerRound = 200;
    int perRequest = 100;
    for (int round = 0; round < kills; round++) {
      int first = round * requestsPerRound;
      AtomicReference<Throwable> failed = new AtomicReference<>();
      double[] rowsBefore = {writerRows(writers.get(0)), writerRows(writers.get(1))};
      Thread sender = Thread.ofPlatform().name("events-" + round)
          .uncaughtExceptionHandler((t, e) -> failed.set(e))
          .start(() -> {
            for (int r = first; r < first + requestsPerRound; r++) {
              sendBatch(site, r, perRequest);
            }
          });
      // Killed while really writing: a writer that stored rows of this round, and holds
      // uncommitted ones. Which writer owns which partitions is the group's choice.
      int victimIndex = awaitWriting(round, rowsBefore);
      JarProcess victim = writers.get(victimIndex);
      victim.kill();
      writers.set(victimIndex, restart(victim, "writer-" + (victimIndex + 1), withRole("writer"), "256m"));
      sender.join(Duration.ofMinutes(5));
      assertThat(sender.isAlive()).as("round %d's sender finished", round).isFalse();
      assertThat(failed.get()).as("round %d's sender", round).isNull();
    }
    long sent = (long) kills * requestsPerRound * perRequest;
    assertStoredOnce(site, sent);
    System.out.printf("Rows stored by the writers running now (since their start): %s=%.0f, %s=%.0f%n",
        writers.get(0).name(), writerRows(writers.get(0)), writers.get(1).name(), writerRows(writers.get(1)));
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  /** The index of a writer that stored rows since {@code rowsBefore}; the writers' logs if none does. */
  private int awaitWriting(int round, double[] rowsBefore) {
    try {
      return Await.until("a writer to store rows of round " + round, () -> {
        for (int i = 0; i < writers.size(); i++) {
          if (writerRows(writers.get(i)) > rowsBefore[i]) {
            return i;
          }
        }
        return -1;
      }, i -> i >= 0);
    } catch (AssertionError e) {
      StringBuilder logs = new StringBuilder(e.getMessage());
      for (JarProcess w : writers) {
        String log = w.log();
        logs.append("\n--- end of ").append(w.name()).append("'s log:\n")
            .append(log.substring(Math.max(0, log.length() - 6_000)));
      }
      throw new AssertionError(logs.toString(), e);
    }
  }

  private JarProcess launch(String name, String dir, Map<Setting, String> settings, String heap) {
    JarProcess process = JarProcess.start(name, settings, directory.resolve(dir), heap);
    processes.add(process);
    return process;
  }

  /** A new process in the stopped one's directory (its data dir, so its spool too). */
  private JarProcess restart(JarProcess stopped, String dir, Map<Setting, String> settings, String heap) {
    clients.remove(stopped);
    return launch(dir + "-run" + (++restarts), dir, settings, heap).awaitReady();
  }

  private Map<Setting, String> withRole(String role) {
    Map<Setting, String> settings = new EnumMap<>(shared);
    settings.put(Setting.ROLES, role);
    return settings;
  }

  private TrackflowHttp http(JarProcess process) {
    return clients.computeIfAbsent(process, JarProcess::http);
  }

  private TrackflowHttp collectorHttp() {
    return http(collector.get());
  }

  private PrometheusScrape scrape(JarProcess process) {
    return new PrometheusScrape(http(process).metrics());
  }

  private double queueUnavailable() {
    return scrape(collector.get()).sum("trackflow_collector_queue_unavailable");
  }

  private long spooled(JarProcess process, String site) {
    return (long) scrape(process).sum("trackflow_collector_hits_spooled", "site", site);
  }

  private String readinessCheck(String name) {
    return new JsonObject(collectorHttp().get("/health/ready", Map.of()).body()).getJsonObject("checks").getString(name);
  }

  private double writerLag() {
    return writers.stream().mapToDouble(w -> scrape(w).sum("trackflow_writer_lag")).sum();
  }

  private double writerRows(JarProcess writer) {
    return scrape(writer).sum("trackflow_writer_rows_total");
  }

  private String newSite(String prefix) {
    String site = StandaloneEndToEndIT.newSiteDomain(prefix);
    api.createSite(site, "UTC");
    StandaloneEndToEndIT.awaitSiteAccepted(collectorHttp(), site);
    return site;
  }

  /** Sends {@code count} pixel hits, each answered with the GIF; returns how many were sent. */
  private int sendPixels(String site, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      collectorHttp().pixel(Map.of("d", site, "u", "https://" + site + "/p/" + (i % 10), "id", prefix + "-" + i),
          Map.of("User-Agent", Traffic.FIREFOX_LINUX.userAgent(), "X-Forwarded-For", "10.4." + (i % 40) + ".9"));
    }
    return count;
  }

  /** One beacon of {@code perRequest} events from one of 250 visitors; asserts all accepted. */
  private void sendBatch(String site, int request, int perRequest) {
    JsonArray batch = new JsonArray();
    for (int e = 0; e < perRequest; e++) {
      batch.add(new JsonObject().put("n", "pageview").put("d", site).put("id", "wk-" + request + "-" + e)
          .put("u", "https://" + site + "/page/" + (e % 25)));
    }
    HttpResponse<String> answer = collectorHttp().beacon(batch.encode(), "application/json",
        Map.of("User-Agent", Traffic.SAFARI_MAC.userAgent(), "X-Forwarded-For", "10.5." + (request % 250) + ".1"));
    assertThat(answer.statusCode()).as("beacon %d: %s", request, answer.body()).isEqualTo(202);
    assertThat(new JsonObject(answer.body()).getInteger("accepted")).as(answer.body()).isEqualTo(perRequest);
  }

  /** Rows of the site in ClickHouse as queries see them (FINAL), with or without the probe pings. */
  private long storedRows(String site, boolean withProbes) {
    String sql = "SELECT count() FROM " + database + ".events FINAL WHERE site = '" + site + "'"
        + (withProbes ? "" : " AND name != 'engagement'");
    return Long.parseLong(clickHouse.query(sql).trim());
  }

  /**
   * Waits until the site's pageviews are all stored, then checks them exact: as many rows (FINAL)
   * and distinct event ids as hits, and the stats API's pageviews, which it reads from the
   * sessions the writers counted, agreeing.
   */
  private void assertStoredOnce(String site, long expected) {
    Await.until(expected + " pageviews of " + site + " in ClickHouse", STORED,
        () -> storedRows(site, false), n -> n >= expected);
    String stored = clickHouse.query("SELECT count(), uniqExact(event_id) FROM " + database
        + ".events FINAL WHERE site = '" + site + "' AND name != 'engagement'").trim();
    assertThat(stored).as("rows and distinct ids in ClickHouse").isEqualTo(expected + "\t" + expected);
    ShopScenario.awaitTotals(api, site, List.of("pageviews", "events"),
        Map.of("pageviews", expected, "events", expected));
  }
}

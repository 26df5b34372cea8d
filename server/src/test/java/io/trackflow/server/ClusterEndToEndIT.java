package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.config.Setting;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.KafkaService;
import io.trackflow.testsupport.PostgresService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.RedisService;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster deployment in one JVM: an ingest process (collector and writer roles over Kafka,
 * Redis and ClickHouse, site list from PostgreSQL) and a query process (query role over ClickHouse,
 * PostgreSQL and the Redis cache), each a separate {@link TrackflowServer} with its own Vert.x, on
 * the real services from test-support. Hits go in through the collector's port, numbers come out
 * of the query process's port.
 */
@ExtendWith(RealServices.class)
class ClusterEndToEndIT {

  @TempDir Path ingestDir;
  @TempDir Path queryDir;
  @TempDir Path secondQueryDir;

  @Test
  @DisplayName("Hits sent to the cluster's collector reach the stats API of the separate query process as exactly the numbers sent, and sites created or deleted through the query API are taken up by the collector")
  void hitsThroughCollectorNumbersThroughQuery(KafkaService kafka, RedisService redis,
      ClickHouseService clickHouse, PostgresService postgres) {
    String pgUrl = postgres.uri(postgres.newDatabase());
    String clickHouseDatabase = clickHouse.newDatabase();
    Map<Setting, String> shared = Map.of(
        Setting.CLICKHOUSE_URL, clickHouse.httpUrl(),
        Setting.CLICKHOUSE_DATABASE, clickHouseDatabase,
        Setting.PG_URL, pgUrl,
        Setting.REDIS_URL, redis.uri(),
        // Every process signs and checks tokens with the same key, as replicas must.
        Setting.JWT_SECRET, "cluster-test-signing-key-of-more-than-32-chars");

    Map<Setting, String> querySettings = RunningServer.base(queryDir);
    querySettings.putAll(shared);
    querySettings.put(Setting.ROLES, "query");
    querySettings.put(Setting.ADMIN_EMAIL, StandaloneEndToEndIT.ADMIN_EMAIL);
    querySettings.put(Setting.ADMIN_PASSWORD, StandaloneEndToEndIT.ADMIN_PASSWORD);

    Map<Setting, String> ingestSettings = RunningServer.base(ingestDir);
    ingestSettings.putAll(shared);
    ingestSettings.put(Setting.ROLES, "collector,writer");
    ingestSettings.put(Setting.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    ingestSettings.put(Setting.KAFKA_TOPIC, TestNames.unique("events"));
    ingestSettings.put(Setting.KAFKA_GROUP, TestNames.unique("writers"));
    ingestSettings.put(Setting.KAFKA_PARTITIONS, "3");
    ingestSettings.put(Setting.TRUSTED_PROXIES, "127.0.0.1");

    try (RunningServer query = RunningServer.start(querySettings);
        RunningServer ingest = RunningServer.start(ingestSettings)) {
      TrackflowHttp api = query.http().login(StandaloneEndToEndIT.ADMIN_EMAIL, StandaloneEndToEndIT.ADMIN_PASSWORD);
      TrackflowHttp collector = ingest.http();
      String site = StandaloneEndToEndIT.newSiteDomain("shop");

      // Unknown to the collector until the query API creates it; then taken up within seconds.
      assertThat(probe(collector, site).statusCode()).as("hit for a site not created yet").isEqualTo(404);
      api.createSite(site, "America/New_York");
      StandaloneEndToEndIT.awaitSiteAccepted(collector, site);

      Traffic traffic = ShopScenario.send(collector, site);
      ShopScenario.assertStats(api, traffic);

      // Each accepted event is stored once (the probes are engagement pings, stored too).
      String stored = clickHouse.query("SELECT count(), uniqExact(event_id) FROM " + clickHouseDatabase
          + ".events FINAL WHERE site = '" + site + "' AND name != 'engagement'").trim();
      assertThat(stored).as("counted rows and distinct ids in ClickHouse")
          .isEqualTo(traffic.events() + "\t" + traffic.events());

      // Every name the Grafana dashboards and alert rules read exists in a cluster process's
      // scrape, except the in-process queue's size (standalone only; Kafka's counterpart is the
      // writer lag). Refusals are counted from the first one on, so make one of each.
      api.sendRefusedRequests();
      PrometheusScrape ingestScrape = new PrometheusScrape(collector.metrics());
      PrometheusScrape queryScrape = new PrometheusScrape(api.metrics());
      System.out.println("Metric names of the ingest process:\n  " + String.join("\n  ", ingestScrape.names())
          + "\nMetric names of the query process:\n  " + String.join("\n  ", queryScrape.names()));
      Set<String> cluster = new TreeSet<>(ingestScrape.names());
      cluster.addAll(queryScrape.names());
      Set<String> dashboards = new TreeSet<>(PrometheusScrape.grafanaMetricNames());
      dashboards.remove("trackflow_queue_size");
      assertThat(cluster).as("names the Grafana dashboards and alert rules read").containsAll(dashboards);
      assertThat(ingestScrape.names()).contains("trackflow_writer_lag",
          "trackflow_collector_dedup_fallback_total", "trackflow_queue_poison_total");
      // Each process reports its own requests, even two of them in one JVM.
      assertThat(ingestScrape.values("vertx_http_server_requests_total", "route"))
          .contains("/api/event").doesNotContain("/api/v2/query");
      assertThat(queryScrape.values("vertx_http_server_requests_total", "route"))
          .contains("/api/v2/query").doesNotContain("/api/event");

      // A deleted site is refused by the collector within seconds too.
      String gone = StandaloneEndToEndIT.newSiteDomain("gone");
      api.createSite(gone, "UTC");
      StandaloneEndToEndIT.awaitSiteAccepted(collector, gone);
      HttpResponse<String> deleted = api.delete("/api/sites/" + gone);
      assertThat(deleted.statusCode()).as("delete site answer: %s", deleted.body()).isIn(200, 204);
      Await.until("the collector to refuse hits for the deleted site " + gone,
          () -> probe(collector, gone), answer -> answer.statusCode() == 404);

      // The ingest process stops while a visitor keeps sending; a new one takes over the topic.
      // Whatever was answered 202 reaches ClickHouse, once, whether the old writer flushed it on
      // the way out or the new one consumed it from Kafka.
      String raceSite = StandaloneEndToEndIT.newSiteDomain("race");
      api.createSite(raceSite, "UTC");
      StandaloneEndToEndIT.awaitSiteAccepted(collector, raceSite);
      StopRace race = StopRace.start(collector, raceSite);
      ingest.stop();
      race.finish();
      try (RunningServer next = RunningServer.start(ingestSettings)) {
        race.assertNothingLost(api);
      }

      // Sign-in limits hold across query replicas: failures on one count on the other, since
      // both keep their counts in the shared Redis (10 failed sign-ins per account by default).
      Map<Setting, String> secondQuerySettings = new HashMap<>(querySettings);
      secondQuerySettings.putAll(RunningServer.base(secondQueryDir));
      secondQuerySettings.putAll(shared);
      secondQuerySettings.put(Setting.ROLES, "query");
      try (RunningServer second = RunningServer.start(secondQuerySettings)) {
        String guessed = "guessed-" + TestNames.unique("account") + "@example.com";
        for (int i = 0; i < 5; i++) {
          assertThat(signIn(query.http(), guessed).statusCode()).as("failed sign-in %d on replica one", i).isEqualTo(401);
          assertThat(signIn(second.http(), guessed).statusCode()).as("failed sign-in %d on replica two", i).isEqualTo(401);
        }
        HttpResponse<String> limited = signIn(query.http(), guessed);
        assertThat(limited.statusCode()).as("11th sign-in, after 10 failures across replicas: %s", limited.body())
            .isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(new PrometheusScrape(api.metrics()).names()).contains("trackflow_auth_limiter_fallback_total");
      }
    }
  }

  private static HttpResponse<String> signIn(TrackflowHttp replica, String email) {
    return replica.post("/api/auth/login", "application/json",
        new JsonObject().put("email", email).put("password", "not the password").encode(), Map.of());
  }

  private static HttpResponse<String> probe(TrackflowHttp collector, String site) {
    JsonObject ping = new JsonObject().put("n", "engagement").put("u", "https://" + site + "/")
        .put("d", site).put("sd", 0).put("e", 0);
    return collector.beacon(ping.encode(), "application/json",
        Map.of("User-Agent", Traffic.CHROME_WINDOWS.userAgent()));
  }
}

package io.trackflow.collector.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.collector.CollectorMetrics;
import io.trackflow.collector.Enrichers;
import io.trackflow.collector.TestEnrichers;
import io.trackflow.collector.enrich.SaltRotation;
import io.trackflow.collector.enrich.SourceResolver;
import io.trackflow.collector.site.SiteSnapshot;
import io.trackflow.core.session.MutableClock;
import io.trackflow.core.session.local.InMemorySaltStore;
import io.trackflow.core.site.SiteDirectory;
import io.trackflow.core.site.SiteInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real pipeline over real enrichers, for the sites example.com and shop.example. */
final class PipelineFixture {

  static final byte[] IP = {(byte) 203, 0, 113, 7};
  static final String UA =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

  final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final CollectorMetrics metrics = new CollectorMetrics(registry);
  final Limits limits = Limits.defaults(256 * 1024);
  final Pipeline pipeline;

  PipelineFixture() throws Exception {
    Enrichers e = TestEnrichers.get();
    SiteDirectory dir = () -> Future.succeededFuture(
        List.of(new SiteInfo("example.com", "UTC"), new SiteInfo("shop.example", "UTC")));
    SiteSnapshot sites = new SiteSnapshot(dir);
    SaltRotation salts = new SaltRotation(new InMemorySaltStore(), clock);
    Vertx vertx = Vertx.vertx();
    try {
      sites.start(vertx, 3_600_000).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      sites.stop();
      salts.rotateIfDue().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } finally {
      vertx.close();
    }
    pipeline = new Pipeline(List.of(new ParseStep(), new ValidateStep(limits), new SiteStep(sites),
        new UserAgentStep(e.userAgents()), new GeoStep(e.geo()),
        new SourceStep(new SourceResolver(e.referrers(), List.of())), new VisitorStep(salts),
        new EventStep(limits)), metrics);
  }

  Hit run(JsonObject json) {
    return run(json, UA);
  }

  Hit run(JsonObject json, String ua) {
    Hit hit = new Hit(0, RawHit.fromJson(json), IP, ua, clock.millis());
    pipeline.run(hit);
    return hit;
  }

  static JsonObject valid() {
    return new JsonObject().put("n", "pageview").put("u", "https://example.com/pricing")
        .put("d", "example.com");
  }
}

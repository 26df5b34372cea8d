package io.trackflow.collector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.Event;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the pipeline makes of a valid hit: the enriched event, ids and dedup key. */
class EnrichmentTest {

  private static PipelineFixture fixture;

  @BeforeAll
  static void build() throws Exception {
    fixture = new PipelineFixture();
  }

  @Test
  @DisplayName("A Plausible-style pageview becomes a fully enriched event (site, page, source, UTM, browser, OS, device, country, screen)")
  void plausiblePayload() {
    JsonObject payload = new JsonObject()
        .put("name", "pageview").put("url", "https://www.example.com/blog/post?utm_source=newsletter&utm_medium=email")
        .put("domain", "example.com").put("referrer", "https://news.ycombinator.com/item?id=1")
        .put("screen_width", 1280).put("props", new JsonObject().put("author", "ana").put("words", 1200).put("draft", false));
    Hit hit = new Hit(0, RawHit.fromJson(payload), new byte[] {8, 8, 8, 8}, PipelineFixture.UA, fixture.clock.millis());
    assertThat(fixture.pipeline.run(hit)).isTrue();
    Event e = hit.event.sessionId(1).build();
    assertThat(e.site()).isEqualTo("example.com");
    assertThat(e.name()).isEqualTo("pageview");
    assertThat(e.hostname()).isEqualTo("example.com");
    assertThat(e.pathname()).isEqualTo("/blog/post");
    assertThat(e.referrer()).isEqualTo("news.ycombinator.com/item");
    assertThat(e.referrerSource()).isEqualTo("newsletter");
    assertThat(e.utmSource()).isEqualTo("newsletter");
    assertThat(e.utmMedium()).isEqualTo("email");
    assertThat(e.browser()).isEqualTo("Firefox");
    assertThat(e.browserVersion()).isEqualTo("133");
    assertThat(e.os()).isEqualTo("Windows");
    assertThat(e.device()).isEqualTo("Desktop");
    assertThat(e.country()).isEqualTo("US");
    assertThat(e.screenSize()).isEqualTo("Laptop");
    assertThat(e.propKeys()).containsExactly("author", "words", "draft");
    assertThat(e.propValues()).containsExactly("ana", "1200", "false");
    assertThat(e.interactive()).isTrue();
    assertThat(e.timestampMillis()).isEqualTo(fixture.clock.millis());
    assertThat(e.visitorId()).isNotZero();
    assertThat(e.eventId()).isNotZero();
    assertThat(hit.dedupKey).isEqualTo(Long.toHexString(e.eventId()));
  }

  @Test
  @DisplayName("Short field names from the tracker mean the same as Plausible's long names; v and s are ignored")
  void shortNamesEqualLongNames() {
    JsonObject shortForm = new JsonObject().put("n", "Signup").put("u", "https://example.com/x")
        .put("d", "example.com").put("r", "https://github.com/").put("w", 400).put("p", "{\"plan\":\"pro\"}")
        .put("v", 3).put("s", "ignored");
    JsonObject longForm = new JsonObject().put("name", "Signup").put("url", "https://example.com/x")
        .put("domain", "example.com").put("referrer", "https://github.com/").put("screen_width", 400)
        .put("props", new JsonObject().put("plan", "pro"));
    Event a = fixture.run(shortForm).event.build();
    Event b = fixture.run(longForm).event.build();
    assertThat(a).isEqualTo(b);
    assertThat(a.referrerSource()).isEqualTo("GitHub");
    assertThat(a.screenSize()).isEqualTo("Mobile");
    assertThat(a.prop("plan")).isEqualTo("pro");
  }

  @Test
  @DisplayName("Engagement events keep scroll depth and engaged time, are never interactive, and stay named engagement")
  void engagement() {
    Hit hit = fixture.run(PipelineFixture.valid().put("n", "engagement").put("sd", 75).put("e", 12_500));
    assertThat(hit.drop).isNull();
    Event e = hit.event.build();
    assertThat(e.isEngagement()).isTrue();
    assertThat(e.isPageview()).isFalse();
    assertThat(e.scrollDepth()).isEqualTo(75);
    assertThat(e.engagementMillis()).isEqualTo(12_500);
    assertThat(e.interactive()).isFalse();
  }

  @Test
  @DisplayName("A non-interactive custom event (i: false) is marked so it does not affect bounce")
  void nonInteractive() {
    assertThat(fixture.run(PipelineFixture.valid().put("n", "Scrolled").put("i", false)).event.build().interactive()).isFalse();
    assertThat(fixture.run(PipelineFixture.valid().put("i", "0")).event.build().interactive()).isFalse();
  }

  @Test
  @DisplayName("A client timestamp is used only within the allowed skew; otherwise the server's time is")
  void clientTimestampSkew() {
    long now = fixture.clock.millis();
    assertThat(fixture.run(PipelineFixture.valid().put("ts", now - 60_000)).event.timestampMillis()).isEqualTo(now - 60_000);
    assertThat(fixture.run(PipelineFixture.valid().put("ts", now + 10_000)).event.timestampMillis()).isEqualTo(now + 10_000);
    assertThat(fixture.run(PipelineFixture.valid().put("ts", now - Duration.ofHours(2).toMillis())).event.timestampMillis()).isEqualTo(now);
    assertThat(fixture.run(PipelineFixture.valid().put("ts", now + 120_000)).event.timestampMillis()).isEqualTo(now);
  }

  @Test
  @DisplayName("The dedup key is the client id when given (same id → same event id), else site, visitor, name, page and second")
  void dedupKeys() {
    Hit a = fixture.run(PipelineFixture.valid().put("id", "abc123"));
    Hit b = fixture.run(PipelineFixture.valid().put("id", "abc123").put("u", "https://example.com/other"));
    Hit c = fixture.run(PipelineFixture.valid().put("id", "abc124"));
    assertThat(a.dedupKey).isEqualTo(b.dedupKey);
    assertThat(a.dedupKey).isNotEqualTo(c.dedupKey);
    Hit d = fixture.run(PipelineFixture.valid());
    Hit e = fixture.run(PipelineFixture.valid());
    Hit f = fixture.run(PipelineFixture.valid().put("u", "https://example.com/other"));
    Hit g = fixture.run(PipelineFixture.valid(), "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15");
    assertThat(d.dedupKey).isEqualTo(e.dedupKey);
    assertThat(d.dedupKey).isNotEqualTo(f.dedupKey).isNotEqualTo(g.dedupKey);
    fixture.clock.advance(Duration.ofSeconds(1));
    assertThat(fixture.run(PipelineFixture.valid()).dedupKey).isNotEqualTo(d.dedupKey);
  }

  @Test
  @DisplayName("The steps run in the documented order, each under its own name (the names appear in the start-up log)")
  void stepOrder() {
    assertThat(fixture.pipeline.stepNames())
        .containsExactly("parse", "validate", "site", "user-agent", "geo", "source", "visitor", "event");
  }

  @Test
  @DisplayName("Bots are dropped and counted as bots, not as rejections")
  void bots() {
    double before = fixture.registry.counter("trackflow.collector.hits.bot").count();
    Hit hit = fixture.run(PipelineFixture.valid(), "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
    assertThat(hit.drop).isEqualTo(DropReason.BOT);
    assertThat(fixture.registry.counter("trackflow.collector.hits.bot").count()).isEqualTo(before + 1);
  }
}

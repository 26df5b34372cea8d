package io.trackflow.collector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Timestamps, screen sizes and event ids at the edges of their rules. */
class EventStepTest {

  private static PipelineFixture fixture;

  @BeforeAll
  static void build() throws Exception {
    fixture = new PipelineFixture();
  }

  @Test
  @DisplayName("Plausible's screen classes: below 576 px Mobile, below 992 Tablet, below 1440 Laptop, from 1440 Desktop; none when unknown")
  void screenSizes() {
    assertThat(EventStep.screenSize(-1)).isEmpty();
    assertThat(EventStep.screenSize(0)).isEqualTo("Mobile");
    assertThat(EventStep.screenSize(575)).isEqualTo("Mobile");
    assertThat(EventStep.screenSize(576)).isEqualTo("Tablet");
    assertThat(EventStep.screenSize(991)).isEqualTo("Tablet");
    assertThat(EventStep.screenSize(992)).isEqualTo("Laptop");
    assertThat(EventStep.screenSize(1439)).isEqualTo("Laptop");
    assertThat(EventStep.screenSize(1440)).isEqualTo("Desktop");
  }

  @Test
  @DisplayName("A client timestamp exactly 5 minutes in the past or 30 seconds ahead is still the client's")
  void skewEdgesInclusive() {
    long now = fixture.clock.millis();
    long past = now - Duration.ofMinutes(5).toMillis();
    long ahead = now + Duration.ofSeconds(30).toMillis();
    assertThat(fixture.run(PipelineFixture.valid().put("ts", past)).event.timestampMillis()).isEqualTo(past);
    assertThat(fixture.run(PipelineFixture.valid().put("ts", ahead)).event.timestampMillis()).isEqualTo(ahead);
    assertThat(fixture.run(PipelineFixture.valid().put("ts", past - 1)).event.timestampMillis()).isEqualTo(now);
    assertThat(fixture.run(PipelineFixture.valid().put("ts", ahead + 1)).event.timestampMillis()).isEqualTo(now);
  }

  @Test
  @DisplayName("Hits of one visitor, name and page within the same second are one event, whatever their milliseconds")
  void sameSecondSameEvent() {
    long second = Math.floorDiv(fixture.clock.millis(), 1000) * 1000;
    JsonObject first = PipelineFixture.valid().put("ts", second + 100);
    JsonObject later = PipelineFixture.valid().put("ts", second + 900);
    assertThat(fixture.run(first).dedupKey).isEqualTo(fixture.run(later).dedupKey);
    JsonObject ping = PipelineFixture.valid().put("n", "engagement").put("sd", 40).put("e", 5000);
    assertThat(fixture.run(ping.copy().put("ts", second + 100)).dedupKey)
        .isEqualTo(fixture.run(ping.copy().put("ts", second + 900)).dedupKey);
  }

  @Test
  @DisplayName("Engagement pings of the same second are told apart by scroll depth and engaged time, pageviews are not")
  void engagementIdsIncludeProgress() {
    JsonObject ping = PipelineFixture.valid().put("n", "engagement").put("sd", 40).put("e", 5000);
    String base = fixture.run(ping).dedupKey;
    assertThat(fixture.run(ping.copy().put("sd", 41)).dedupKey).isNotEqualTo(base);
    assertThat(fixture.run(ping.copy().put("e", 5001)).dedupKey).isNotEqualTo(base);
    assertThat(fixture.run(ping.copy()).dedupKey).isEqualTo(base);
    // A pageview carrying the same fields ignores them: a retry of it is the same event.
    JsonObject view = PipelineFixture.valid();
    assertThat(fixture.run(view.copy().put("sd", 40)).dedupKey).isEqualTo(fixture.run(view.copy().put("sd", 90)).dedupKey);
  }
}

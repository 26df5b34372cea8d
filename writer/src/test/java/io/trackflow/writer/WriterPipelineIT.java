package io.trackflow.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.Event;
import io.trackflow.core.queue.Await;
import io.trackflow.core.queue.QueueEvents;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.KafkaService;
import io.trackflow.testsupport.RealServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The writer between a real Kafka and a real ClickHouse. */
@ExtendWith(RealServices.class)
class WriterPipelineIT {

  private final KafkaService kafka;
  private final ClickHouseService clickHouse;

  WriterPipelineIT(KafkaService kafka, ClickHouseService clickHouse) {
    this.kafka = kafka;
    this.clickHouse = clickHouse;
  }

  @Test
  @DisplayName("N events published to Kafka become exactly N rows queryable in ClickHouse, each event once")
  void publishedEventsBecomeRows() {
    try (Pipeline pipeline = new Pipeline(kafka, clickHouse, 3)) {
      pipeline.startWriter(5_000, Duration.ofMillis(300));
      List<Event> events = new QueueEvents(1_000_000).forVisitors(400, 50);
      pipeline.publish(events, 500);

      pipeline.awaitQueryable(events.size());
      assertThat(pipeline.countDistinctIds()).isEqualTo(events.size());
      assertThat(pipeline.storedIds()).containsExactlyInAnyOrderElementsOf(events.stream().map(Event::eventId).toList());
    }
  }

  @Test
  @DisplayName("With ClickHouse down for 30 s while events keep arriving, nothing is lost and the writer catches up")
  void survivesAThirtySecondStoreOutage() {
    try (Pipeline pipeline = new Pipeline(kafka, clickHouse, 3)) {
      Pipeline.Writer writer = pipeline.startWriter(5_000, Duration.ofMillis(200));
      QueueEvents source = new QueueEvents(2_000_000);
      List<Event> published = new ArrayList<>();
      AtomicBoolean stopPublishing = new AtomicBoolean();
      AtomicInteger round = new AtomicInteger();
      AtomicInteger publishFailures = new AtomicInteger();
      // A steady trickle of 20 events every 50 ms (400/s) from before the outage to after it.
      long ticker = pipeline.vertx.setPeriodic(50, id -> {
        List<Event> batch = new ArrayList<>();
        synchronized (published) {
          if (stopPublishing.get()) {
            return;
          }
          int r = round.getAndIncrement();
          for (int v = 0; v < 20; v++) {
            batch.add(source.event(v, r));
          }
          published.addAll(batch);
        }
        pipeline.publisher.publish(batch).onFailure(e -> publishFailures.incrementAndGet());
      });
      Await.until("the first events queryable", () -> pipeline.countFinal() > 0);

      // Killed rather than stopped: a graceful stop keeps serving the writer's keep-alive
      // connections for seconds before it exits, while a kill makes the outage start now.
      clickHouse.kill();
      long outageEnds = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      double failuresBefore = writer.failures();
      try {
        // Awaiting conditions, not sleeping: the outage lasts 30 s and the writer must have
        // noticed it (failed inserts) and stopped fetching (lag growing in Kafka).
        Await.until("30 s of outage with failing inserts and a growing backlog",
            () -> System.nanoTime() - outageEnds > 0 && writer.failures() > failuresBefore
                && writer.consumer().lag() > 0,
            () -> "failures " + writer.failures() + ", lag " + writer.consumer().lag());
        assertThat(writer.buffered()).as("rows the writer holds while the store is down")
            .isLessThanOrEqualTo(3 * 5_000 + 1_000); // in-flight bound plus one poll
      } finally {
        clickHouse.start();
      }
      int roundAtRestart = round.get();
      Await.until("a second of publishing after the outage", () -> round.get() > roundAtRestart + 20);
      int total;
      synchronized (published) {
        stopPublishing.set(true);
        total = published.size();
      }
      pipeline.vertx.cancelTimer(ticker);
      pipeline.awaitQueryable(total);
      assertThat(pipeline.countDistinctIds()).isEqualTo(total);
      assertThat(publishFailures.get()).as("publishes Kafka refused").isZero();
    }
  }
}

package io.trackflow.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.Await;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.ReadView;
import io.trackflow.core.store.SqlDialect;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Compaction asks the store to merge settled data, one run at a time, and counts what it merged")
class CompactionVerticleTest {

  private Vertx vertx;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
  }

  /** A store whose compactions complete when the test says so. */
  static final class CompactingStore implements EventStore {
    final ConcurrentLinkedQueue<Promise<Integer>> calls = new ConcurrentLinkedQueue<>();

    @Override public Future<Integer> compact() {
      Promise<Integer> p = Promise.promise();
      calls.add(p);
      return p.future();
    }
    @Override public Future<Void> migrate() { return Future.succeededFuture(); }
    @Override public Future<Void> insert(List<Event> events) { return Future.succeededFuture(); }
    @Override public Future<List<io.trackflow.core.session.StoredSession>> openSessions(long from, long to) {
      return Future.succeededFuture(List.of());
    }
    @Override public Future<QueryResult> query(Function<ReadView, String> statement) { return Future.failedFuture("unused"); }
    @Override public Future<Void> deleteSite(String site) { return Future.succeededFuture(); }
    @Override public SqlDialect dialect() { return SqlDialect.DUCKDB; }
    @Override public Future<Void> close() { return Future.succeededFuture(); }
  }

  @Test
  @DisplayName("A run never overlaps the previous one; merged partitions and failures are counted")
  void oneRunAtATime() throws Exception {
    CompactingStore store = new CompactingStore();
    CompactionVerticle compaction = new CompactionVerticle(store, Duration.ofHours(1), registry);
    vertx.deployVerticle(compaction).await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
    // The timer fires only after an hour: the test calls the runs itself.
    Future<Integer> first = compaction.run();
    Future<Integer> overlapping = compaction.run();
    assertThat(overlapping.succeeded()).isTrue();
    assertThat(store.calls).hasSize(1);
    store.calls.poll().complete(3);
    first.await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
    assertThat(registry.counter("trackflow.writer.compacted.partitions").count()).isEqualTo(3);
    Future<Integer> failing = compaction.run();
    store.calls.poll().fail("ClickHouse unreachable");
    assertThat(failing.failed()).isTrue();
    assertThat(registry.counter("trackflow.writer.compaction.failures").count()).isEqualTo(1);
    compaction.run();
    assertThat(store.calls).hasSize(1);
  }

  @Test
  @DisplayName("Once deployed, compaction runs on its interval")
  void runsPeriodically() throws Exception {
    CompactingStore store = new CompactingStore();
    vertx.deployVerticle(new CompactionVerticle(store, Duration.ofMillis(20), registry))
        .await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      Await.until("compaction run " + i, () -> !store.calls.isEmpty());
      store.calls.poll().complete(0);
    }
    assertThat(registry.counter("trackflow.writer.compacted.partitions").count()).isZero();
  }
}

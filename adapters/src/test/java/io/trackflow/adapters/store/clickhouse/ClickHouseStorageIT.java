package io.trackflow.adapters.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.testdata.EventGenerator;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What is particular to ClickHouse: replays stored twice and collapsed, and insert failures. */
@ExtendWith(RealServices.class)
class ClickHouseStorageIT {

  private final ClickHouseService clickHouse;
  private Vertx vertx;
  private SimpleMeterRegistry registry;
  private String database;
  private ClickHouseEventStore store;

  ClickHouseStorageIT(ClickHouseService clickHouse) {
    this.clickHouse = clickHouse;
  }

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    database = TestNames.unique("storage");
    store = new ClickHouseEventStore(vertx, ClickHouseOptions.of(clickHouse.httpUrl(), database), registry);
    await(store.migrate());
  }

  @AfterEach
  void close() throws Exception {
    try {
      await(store.close());
    } finally {
      await(vertx.close());
    }
  }

  @Test
  @DisplayName("A replayed batch is stored twice but read once through FINAL, and merging leaves one row per event")
  void replaysCollapse() throws Exception {
    List<Event> events = new EventGenerator(7).generate(5_000);
    int distinct = EventGenerator.distinct(events).size();
    await(store.insert(events));
    await(store.insert(events));

    assertThat(count("SELECT count() FROM " + database + ".events FINAL")).isEqualTo(distinct);
    assertThat(count("SELECT count() FROM " + database + ".events")).isBetween((long) distinct, 2L * events.size());

    clickHouse.query("OPTIMIZE TABLE " + database + ".events FINAL");
    assertThat(count("SELECT count() FROM " + database + ".events")).isEqualTo(distinct);
  }

  @Test
  @DisplayName("Rows inserted through the adapter are visible to an independent client with every value intact")
  void visibleToOtherClients() throws Exception {
    Event e = EventGenerator.fullEvent(-1L, "independent.example", 1_741_964_966_535L);
    await(store.insert(List.of(e)));

    String row = clickHouse.query("SELECT event_id, site, timestamp, timestamp_ms, prop_keys, prop_values,"
        + " interactive, scroll_depth FROM " + database + ".events FORMAT TSV");
    assertThat(row).isEqualTo("-1\tindependent.example\t2025-03-14 15:09:26\t1741964966535"
        + "\t['plan','seats','coupon']\t['pro','12','']\t0\t87\n");
  }

  @Test
  @DisplayName("An insert ClickHouse refuses fails with ClickHouse's code and message and is counted as a failure")
  void refusedInsert() throws Exception {
    clickHouse.query("DROP TABLE " + database + ".events");

    assertThatThrownBy(() -> await(store.insert(new EventGenerator(8).generate(10))))
        .isInstanceOf(ClickHouseException.class)
        .hasMessageContaining("events")
        .satisfies(e -> assertThat(((ClickHouseException) e).code()).isEqualTo(60));
    assertThat(registry.find("trackflow.store.insert.failures").tag("store", "clickhouse").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.find("trackflow.store.rows.inserted").tag("store", "clickhouse").counter().count())
        .isZero();
  }

  private long count(String sql) {
    return Long.parseLong(clickHouse.query(sql).strip());
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}

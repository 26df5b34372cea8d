package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.Event;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.testdata.EventGenerator;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' large data sets are copies of a loaded base made inside the store
 * ({@link BenchData}); each store's test proves such a copy is exactly what the adapter stores
 * for the same events copied in Java, so the bench measures data the writer could have written.
 */
abstract class InStoreCopiesContract {

  private static final int COPIES = 3;

  protected final Vertx vertx = Vertx.vertx();

  /** A fresh, migrated store called {@code name}. */
  protected abstract EventStore open(String name) throws Exception;

  /**
   * Fills the fresh store {@code target} with copies of {@code base} (the store called
   * {@code baseName}) inside the store, and returns it open.
   */
  protected abstract EventStore copyInStore(EventStore base, String baseName, String target, int copies) throws Exception;

  @AfterEach
  void closeVertx() throws Exception {
    BenchData.await(vertx.close());
  }

  @Test
  @DisplayName("Copies made inside the store hold exactly the events and sessions the adapter stores for the copied events, and keep the writer's invariants")
  void copiesEqualWhatTheAdapterStores() throws Exception {
    // Replays included, as the bench loads them; three days, so sessions meet day boundaries.
    List<Event> generated = new EventGenerator(21, Instant.parse("2025-04-01T00:00:00Z"), 3).generate(6_000);
    EventStore base = open("base");
    BenchData.insert(base, generated);
    Map<String, Long> baseFigures = BenchDataCheck.aggregates(base);

    EventStore reference = open("reference");
    BenchData.loadJavaCopies(reference, generated, COPIES);
    EventStore copies = copyInStore(base, "base", "copies", COPIES);

    assertThat(BenchDataCheck.fingerprint(copies)).isEqualTo(BenchDataCheck.fingerprint(reference));
    Map<String, Long> figures = BenchDataCheck.aggregates(copies);
    assertThat(figures).isEqualTo(BenchDataCheck.aggregates(reference));
    // New ids for every copy: counts triple, and no id is shared across days or copies.
    for (String count : List.of("events", "pageviews", "visitors (daily ids)", "sessions", "bounced sessions",
        "visitors with a session", "session duration ms")) {
      assertThat(figures.get(count)).as(count).isEqualTo(COPIES * baseFigures.get(count));
    }
    assertThat(figures.get("visitor ids spanning two UTC days")).isZero();
    assertThat(figures.get("sessions spanning two UTC days")).isZero();
    assertThat(figures.get("sessions whose pageviews differ from their events")).isZero();
    BenchData.await(copies.close());
    BenchData.await(reference.close());
  }
}

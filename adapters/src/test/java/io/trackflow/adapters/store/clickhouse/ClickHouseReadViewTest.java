package io.trackflow.adapters.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.store.StoredTable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The ClickHouse read view reads single-part days plainly, the rest with FINAL, and knows what it relied on")
class ClickHouseReadViewTest {

  private static final Instant FROM = Instant.parse("2025-03-01T10:00:00Z");
  private static final Instant TO = Instant.parse("2025-03-05T10:00:00Z");

  private static PartsState state(Map<String, List<String>> eventDays) {
    return new PartsState(Map.of(StoredTable.EVENTS, eventDays, StoredTable.SESSIONS, Map.of()));
  }

  @Test
  @DisplayName("Days with one part form a plain read, runs of days with several parts a FINAL one, joined by UNION ALL")
  void splitsByDay() {
    ClickHouseReadView view = new ClickHouseReadView(state(Map.of("20250301", List.of("a"),
        "20250302", List.of("b"), "20250303", List.of("c1", "c2"), "20250305", List.of("e1", "e2"))));
    String sql = view.rows(StoredTable.EVENTS, "x.example", FROM, TO, List.of("event_id"), "name != 'engagement'");
    long mar1 = Instant.parse("2025-03-01T00:00:00Z").getEpochSecond();
    long mar3 = Instant.parse("2025-03-03T00:00:00Z").getEpochSecond();
    long mar4 = Instant.parse("2025-03-04T00:00:00Z").getEpochSecond();
    long mar5 = Instant.parse("2025-03-05T00:00:00Z").getEpochSecond();
    long mar6 = Instant.parse("2025-03-06T00:00:00Z").getEpochSecond();
    assertThat(sql).startsWith("(SELECT event_id FROM events WHERE site = 'x.example' AND ")
        .contains(" UNION ALL SELECT event_id FROM events FINAL WHERE ")
        .contains("(timestamp >= toDateTime(" + mar1 + ") AND timestamp < toDateTime(" + mar3 + ")) OR "
            + "(timestamp >= toDateTime(" + mar4 + ") AND timestamp < toDateTime(" + mar5 + "))")
        .contains("(timestamp >= toDateTime(" + mar3 + ") AND timestamp < toDateTime(" + mar4 + ")) OR "
            + "(timestamp >= toDateTime(" + mar5 + ") AND timestamp < toDateTime(" + mar6 + "))")
        .contains("AND (name != 'engagement')");
    assertThat(view.reliesOnMergedDays()).isTrue();
  }

  @Test
  @DisplayName("A relied-on day is still valid only with exactly the same parts; new, merged or vanished parts invalidate it")
  void validity() {
    ClickHouseReadView view = new ClickHouseReadView(state(Map.of("20250301", List.of("a"))));
    view.rows(StoredTable.EVENTS, "x.example", FROM, Instant.parse("2025-03-02T00:00:00Z"), List.of("event_id"), null);
    assertThat(view.stillValid(state(Map.of("20250301", List.of("a"))))).isTrue();
    assertThat(view.stillValid(state(Map.of("20250301", List.of("a", "b"))))).isFalse();
    assertThat(view.stillValid(state(Map.of("20250301", List.of("a_2"))))).isFalse();
    assertThat(view.stillValid(state(Map.of()))).isFalse();
  }

  @Test
  @DisplayName("Without a known parts state, and for days wholly unmerged, every read uses FINAL and relies on nothing")
  void unknownStateReadsFinal() {
    ClickHouseReadView unknown = new ClickHouseReadView(PartsState.UNKNOWN);
    assertThat(unknown.rows(StoredTable.SESSIONS, "x.example", FROM, TO, List.of("session_id"), null))
        .isEqualTo("(SELECT session_id FROM sessions FINAL WHERE site = 'x.example' AND "
            + ClickHouseReadView.range(StoredTable.SESSIONS, FROM, TO) + ")");
    assertThat(unknown.reliesOnMergedDays()).isFalse();
  }
}

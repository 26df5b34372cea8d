package io.trackflow.adapters.store.clickhouse;

import io.trackflow.core.store.StoredTable;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The active parts of each day partition of the events and sessions tables, as one read of
 * {@code system.parts} found them. A day with at most one part holds no copies of a row
 * (ReplacingMergeTree collapses copies whenever it merges parts), so it can be read without
 * FINAL; part names never repeat, so an unchanged list means an unchanged partition.
 */
record PartsState(Map<StoredTable, Map<String, List<String>>> parts) {

  /** A state that knows no partition: every read deduplicates. */
  static final PartsState UNKNOWN = new PartsState(null);

  PartsState {
    if (parts != null) {
      Map<StoredTable, Map<String, List<String>>> copy = new EnumMap<>(StoredTable.class);
      parts.forEach((table, days) -> copy.put(table, Map.copyOf(days)));
      parts = copy;
    }
  }

  boolean known() {
    return parts != null;
  }

  /** The parts of one day partition ({@code yyyyMMdd}), empty when it has none. */
  List<String> of(StoredTable table, String day) {
    if (parts == null) {
      throw new IllegalStateException("unknown parts state");
    }
    return parts.getOrDefault(table, Map.of()).getOrDefault(day, List.of());
  }
}

package io.trackflow.adapters.store.clickhouse;

import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.store.ReadView;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.SqlLiterals;
import io.trackflow.core.store.StoredTable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads each table so every event and session counts once, cheaply: days whose partition is a
 * single part are read plainly (in parallel, as fast as the table allows), the others with
 * FINAL (which merges copies at read time, in one thread on 18.16). Usually only today and
 * yesterday need FINAL. The view remembers which single-part days it relied on, so the store
 * can check after the statement that none of them changed while it ran.
 */
final class ClickHouseReadView implements ReadView {

  private static final DateTimeFormatter DAY_ID = DateTimeFormatter.BASIC_ISO_DATE;

  private final PartsState state;
  private final Map<String, List<String>> reliedOn = new HashMap<>();

  ClickHouseReadView(PartsState state) {
    this.state = state;
  }

  @Override
  public String rows(StoredTable table, String site, Instant from, Instant to, List<String> columns,
      String condition) {
    String select = "SELECT " + String.join(", ", columns) + " FROM " + table.tableName();
    String where = " WHERE site = " + SqlLiterals.quote(SqlDialect.CLICKHOUSE, site) + " AND "
        + range(table, from, to) + (condition == null ? "" : " AND (" + condition + ")");
    if (!state.known() || !to.isAfter(from)) {
      return "(" + select + " FINAL" + where + ")";
    }
    List<String> merged = new ArrayList<>();
    List<String> unmerged = new ArrayList<>();
    // Nothing is stored outside the clamped range, so no day beyond it needs a look.
    Instant firstStored = Instant.ofEpochMilli(EventsSchema.MIN_TIMESTAMP_MILLIS);
    Instant lastStored = Instant.ofEpochMilli(EventsSchema.MAX_TIMESTAMP_MILLIS);
    LocalDate last = LocalDate.ofInstant(to.minusMillis(1).isAfter(lastStored) ? lastStored : to.minusMillis(1), ZoneOffset.UTC);
    LocalDate runStart = null;
    boolean runMerged = false;
    LocalDate first = LocalDate.ofInstant(from.isBefore(firstStored) ? firstStored : from, ZoneOffset.UTC);
    if (first.isAfter(last)) {
      return "(" + select + where + ")";
    }
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      String id = day.format(DAY_ID);
      List<String> parts = state.of(table, id);
      boolean single = parts.size() <= 1;
      if (single) {
        reliedOn.put(table.name() + ":" + id, parts);
      }
      if (runStart != null && single != runMerged) {
        (runMerged ? merged : unmerged).add(days(table, runStart, day));
        runStart = null;
      }
      if (runStart == null) {
        runStart = day;
        runMerged = single;
      }
    }
    (runMerged ? merged : unmerged).add(days(table, runStart, last.plusDays(1)));
    List<String> selects = new ArrayList<>(2);
    if (!merged.isEmpty()) {
      selects.add(select + where + " AND (" + String.join(" OR ", merged) + ")");
    }
    if (!unmerged.isEmpty()) {
      selects.add(select + " FINAL" + where + " AND (" + String.join(" OR ", unmerged) + ")");
    }
    return "(" + String.join(" UNION ALL ", selects) + ")";
  }

  /** True when the statement read some day without FINAL. */
  boolean reliesOnMergedDays() {
    return !reliedOn.isEmpty();
  }

  /** True when every single-part day the statement read plainly still has the same parts. */
  boolean stillValid(PartsState now) {
    for (Map.Entry<String, List<String>> e : reliedOn.entrySet()) {
      String[] key = e.getKey().split(":", 2);
      if (!now.of(StoredTable.valueOf(key[0]), key[1]).equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** The exact instant range on the table's time columns (the seconds column prunes partitions and granules). */
  static String range(StoredTable table, Instant from, Instant to) {
    long toSeconds = to.getNano() == 0 ? to.getEpochSecond() : to.getEpochSecond() + 1;
    String seconds = table.secondsColumn() + " >= toDateTime(" + from.getEpochSecond() + ") AND "
        + table.secondsColumn() + " < toDateTime(" + toSeconds + ")";
    if (from.getNano() == 0 && to.getNano() == 0) {
      // Whole-second bounds: the seconds column alone is exact, and its milliseconds stay unread.
      return seconds;
    }
    return seconds + " AND " + table.millisColumn() + " >= " + from.toEpochMilli() + " AND "
        + table.millisColumn() + " < " + to.toEpochMilli();
  }

  private static String days(StoredTable table, LocalDate from, LocalDate until) {
    long a = from.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    long b = until.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    return "(" + table.secondsColumn() + " >= toDateTime(" + a + ") AND " + table.secondsColumn()
        + " < toDateTime(" + b + "))";
  }
}

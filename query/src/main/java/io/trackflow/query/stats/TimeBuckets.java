package io.trackflow.query.stats;

import io.trackflow.query.stats.Dimension.TimeGrain;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

/**
 * Time buckets as integer arithmetic on epoch milliseconds: the site's UTC offsets over the
 * range (a {@code CASE} over its few DST transitions, computed here from the JDK's zone rules)
 * turn each event time into local time, whose hour, day, week or month number is the bucket key.
 * Per-row time zone conversion is avoided (in DuckDB it cost 8× the query); the keys become labels
 * in Java, formatted like {@link TimeLabels}.
 */
final class TimeBuckets {

  private static final long HOUR = 3_600_000L;
  private static final long DAY = 86_400_000L;
  private static final DateTimeFormatter HOUR_LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00:00");

  private TimeBuckets() {}

  /** SQL for the bucket key of {@code millis} (an epoch-ms expression) for rows in [from, to). */
  static String key(Dialect dialect, TimeGrain grain, ZoneId zone, Instant from, Instant to, String millis) {
    String local = "(" + millis + " + " + offset(zone, from, to, millis) + ")";
    String day = dialect.intDiv(local, DAY);
    return switch (grain) {
      case HOUR -> dialect.intDiv(local, HOUR);
      case DAY -> day;
      // Epoch day 0 was a Thursday: shifting by 3 makes weeks start on Mondays.
      case WEEK -> dialect.intDiv("(" + day + " + 3)", 7);
      case MONTH -> month(day, zone, from, to);
    };
  }

  /** The bucket key of an instant, as {@link #key} computes it in SQL. */
  static long keyOf(TimeGrain grain, ZoneId zone, long millis) {
    long local = millis + zone.getRules().getOffset(Instant.ofEpochMilli(millis)).getTotalSeconds() * 1000L;
    long day = Math.floorDiv(local, DAY);
    return switch (grain) {
      case HOUR -> Math.floorDiv(local, HOUR);
      case DAY -> day;
      case WEEK -> Math.floorDiv(day + 3, 7);
      case MONTH -> key(YearMonth.from(LocalDate.ofEpochDay(day)));
    };
  }

  /** The label of a bucket key, as {@link TimeLabels} lists it. */
  static String label(TimeGrain grain, long key) {
    return switch (grain) {
      case HOUR -> HOUR_LABEL.format(LocalDateTime.ofEpochSecond(key * 3600, 0, ZoneOffset.UTC));
      case DAY -> LocalDate.ofEpochDay(key).toString();
      case WEEK -> LocalDate.ofEpochDay(key * 7 - 3).toString();
      case MONTH -> YearMonth.of((int) Math.floorDiv(key, 12), (int) Math.floorMod(key, 12) + 1).atDay(1).toString();
    };
  }

  /** The zone's offset in milliseconds at each row's time: a constant, or a CASE over transitions. */
  private static String offset(ZoneId zone, Instant from, Instant to, String millis) {
    ZoneRules rules = zone.getRules();
    List<ZoneOffsetTransition> transitions = new ArrayList<>();
    ZoneOffsetTransition next = rules.nextTransition(from);
    while (next != null && next.getInstant().isBefore(to)) {
      transitions.add(next);
      next = rules.nextTransition(next.getInstant());
    }
    long first = rules.getOffset(from).getTotalSeconds() * 1000L;
    if (transitions.isEmpty()) {
      return Long.toString(first);
    }
    StringBuilder sql = new StringBuilder("CASE");
    long current = first;
    for (ZoneOffsetTransition t : transitions) {
      sql.append(" WHEN ").append(millis).append(" < ").append(t.getInstant().toEpochMilli())
          .append(" THEN ").append(current);
      current = t.getOffsetAfter().getTotalSeconds() * 1000L;
    }
    return sql.append(" ELSE ").append(current).append(" END").toString();
  }

  /** Month number (year * 12 + month - 1) of a local day number, by the month starts in range. */
  private static String month(String day, ZoneId zone, Instant from, Instant to) {
    LocalDate first = from.atZone(zone).toLocalDate();
    LocalDate last = to.atZone(zone).toLocalDate();
    YearMonth month = YearMonth.from(first);
    StringBuilder sql = new StringBuilder("CASE");
    while (!month.plusMonths(1).atDay(1).isAfter(last)) {
      sql.append(" WHEN ").append(day).append(" < ").append(month.plusMonths(1).atDay(1).toEpochDay())
          .append(" THEN ").append(key(month));
      month = month.plusMonths(1);
    }
    if (month.equals(YearMonth.from(first))) {
      // A range inside one month: its key is a constant (a CASE without WHEN is no SQL).
      return Long.toString(key(month));
    }
    return sql.append(" ELSE ").append(key(month)).append(" END").toString();
  }

  private static long key(YearMonth month) {
    return month.getYear() * 12L + month.getMonthValue() - 1;
  }
}

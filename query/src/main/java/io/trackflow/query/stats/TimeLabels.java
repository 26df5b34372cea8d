package io.trackflow.query.stats;

import io.trackflow.query.stats.Dimension.TimeGrain;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Labels of time buckets, exactly as the SQL formats them: {@code 2026-03-29 02:00:00} for hours,
 * {@code 2026-03-29} for days, weeks (their Monday) and months (their first day). Empty buckets
 * are filled here, since ClickHouse 18.16 has no {@code WITH FILL}.
 */
final class TimeLabels {

  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00:00");

  private TimeLabels() {}

  /** Every bucket label of the range, in order, each once (a repeated DST hour is one label). */
  static List<String> labels(DateRange range, TimeGrain grain) {
    Set<String> labels = new LinkedHashSet<>();
    if (grain == TimeGrain.HOUR) {
      // Walk instants, not local times, so a skipped DST hour yields no label.
      ZonedDateTime t = range.start().truncatedTo(ChronoUnit.HOURS);
      ZonedDateTime end = range.end();
      while (t.isBefore(end)) {
        labels.add(HOUR.format(t.toLocalDateTime()));
        t = t.plusHours(1);
      }
      return new ArrayList<>(labels);
    }
    LocalDate day = range.start().toLocalDate();
    LocalDateTime end = range.end().toLocalDateTime();
    while (day.atStartOfDay().isBefore(end)) {
      labels.add(dayLabel(day, grain));
      day = day.plusDays(1);
    }
    return new ArrayList<>(labels);
  }

  static String dayLabel(LocalDate day, TimeGrain grain) {
    return switch (grain) {
      case DAY -> day.toString();
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
      case MONTH -> day.withDayOfMonth(1).toString();
      case HOUR -> throw new IllegalArgumentException("hour labels need a time");
    };
  }
}

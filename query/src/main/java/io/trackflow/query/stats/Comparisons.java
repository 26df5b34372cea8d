package io.trackflow.query.stats;

import io.trackflow.query.stats.Query.ComparisonMode;
import io.trackflow.query.stats.Query.DateRangeSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The period a query's answer is compared with. A calendar period that is still running (today,
 * this month, this year, the last 6 or 12 months ending with this one) is compared by the part of
 * it that has elapsed: this month until now with the previous month until the same point, not
 * with the whole of it, which would make every running period look like a drop.
 */
final class Comparisons {

  /** Named ranges that are calendar periods ending after today, and how long each is. */
  private static final Map<String, Period> RUNNING_PERIODS = Map.of(
      "day", Period.ofDays(1), "month", Period.ofMonths(1), "year", Period.ofYears(1),
      "6mo", Period.ofMonths(6), "12mo", Period.ofMonths(12));

  private Comparisons() {}

  /** The compared range, or null when the query asks for no comparison. */
  static DateRange of(Query query, DateRange range, Instant now) {
    ComparisonMode mode = query.include().comparison();
    if (mode == null) {
      return null;
    }
    ZoneId zone = range.zone();
    if (mode == ComparisonMode.CUSTOM) {
      DateRangeSpec.Dates dates = query.include().comparisonDates();
      return DateRange.days(zone, dates.from(), dates.to());
    }
    Period length = query.dateRange() instanceof DateRangeSpec.Named named ? RUNNING_PERIODS.get(named.name()) : null;
    if (length == null || !range.includes(now)) {
      return range.comparison(mode);
    }
    LocalDateTime start = range.start().toLocalDateTime();
    // To the minute, so that the answer can be cached for a while; at least one minute.
    LocalDateTime elapsedEnd = now.atZone(zone).toLocalDateTime().truncatedTo(ChronoUnit.MINUTES);
    if (!elapsedEnd.isAfter(start)) {
      elapsedEnd = start.plusMinutes(1);
    }
    return switch (mode) {
      case PREVIOUS_PERIOD -> {
        LocalDateTime from = start.minus(length);
        LocalDateTime to = from.plus(Duration.between(start, elapsedEnd));
        yield new DateRange(zone, from.atZone(zone), (to.isAfter(start) ? start : to).atZone(zone));
      }
      case YEAR_OVER_YEAR -> new DateRange(zone, start.minusYears(1).atZone(zone),
          elapsedEnd.minusYears(1).atZone(zone));
      case CUSTOM -> throw new IllegalStateException("handled above");
    };
  }
}

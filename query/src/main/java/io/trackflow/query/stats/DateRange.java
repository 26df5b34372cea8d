package io.trackflow.query.stats;

import io.trackflow.query.stats.Query.ComparisonMode;
import io.trackflow.query.stats.Query.DateRangeSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/**
 * A resolved date range: local date-times in the site's zone, start included, end excluded, and
 * the matching instants the SQL filters on.
 */
public record DateRange(ZoneId zone, LocalDateTime start, LocalDateTime end) {

  public Instant fromInstant() {
    return start.atZone(zone).toInstant();
  }

  public Instant toInstant() {
    return end.atZone(zone).toInstant();
  }

  /** True when now lies inside the range (its answers still change). */
  public boolean includes(Instant now) {
    return !now.isBefore(fromInstant()) && now.isBefore(toInstant());
  }

  /** The range as Plausible echoes it: first and last second, with the zone's offsets. */
  public String[] echo() {
    ZonedDateTime first = start.atZone(zone);
    ZonedDateTime last = end.atZone(zone).minusSeconds(1);
    return new String[] {first.toOffsetDateTime().toString(), last.toOffsetDateTime().toString()};
  }

  /** The period this one is compared with. */
  public DateRange comparison(ComparisonMode mode) {
    return switch (mode) {
      case PREVIOUS_PERIOD -> {
        Duration length = Duration.between(start, end);
        yield new DateRange(zone, start.minus(length), start);
      }
      case YEAR_OVER_YEAR -> new DateRange(zone, start.minusYears(1), end.minusYears(1));
    };
  }

  /**
   * Resolves a requested range in the site's zone. "Today" is the clock's date in that zone;
   * {@code firstDay} is where {@code all} starts (the site's first event, or today).
   */
  public static DateRange resolve(DateRangeSpec spec, ZoneId zone, Clock clock, LocalDate firstDay) {
    LocalDate today = LocalDate.now(clock.withZone(zone));
    return switch (spec) {
      case DateRangeSpec.Named named -> switch (named.name()) {
        case "day" -> days(zone, today, today);
        case "7d" -> days(zone, today.minusDays(6), today);
        case "30d" -> days(zone, today.minusDays(29), today);
        case "month" -> days(zone, today.withDayOfMonth(1), today.withDayOfMonth(today.lengthOfMonth()));
        case "6mo" -> days(zone, today.withDayOfMonth(1).minusMonths(5),
            today.withDayOfMonth(today.lengthOfMonth()));
        case "12mo" -> days(zone, today.withDayOfMonth(1).minusMonths(11),
            today.withDayOfMonth(today.lengthOfMonth()));
        case "year" -> days(zone, today.withDayOfYear(1), today.withDayOfYear(today.lengthOfYear()));
        case "all" -> days(zone, firstDay.isAfter(today) ? today : firstDay, today);
        default -> throw new IllegalArgumentException("unknown range " + named.name());
      };
      case DateRangeSpec.Dates dates -> days(zone, dates.from(), dates.to());
      case DateRangeSpec.DateTimes times -> {
        LocalDateTime from = local(times.from(), zone);
        // The end is inclusive to the second, as in Plausible.
        LocalDateTime to = local(times.to(), zone).withNano(0).plusSeconds(1);
        if (!to.isAfter(from)) {
          throw QueryParser.invalid("date_range", "to is before from");
        }
        yield new DateRange(zone, from, to);
      }
    };
  }

  private static DateRange days(ZoneId zone, LocalDate first, LocalDate last) {
    return new DateRange(zone, first.atStartOfDay(), last.plusDays(1).atStartOfDay());
  }

  private static LocalDateTime local(String s, ZoneId zone) {
    try {
      return OffsetDateTime.parse(s).atZoneSameInstant(zone).toLocalDateTime();
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(s);
    }
  }
}

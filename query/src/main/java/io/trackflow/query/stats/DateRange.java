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
 * A resolved date range in the site's zone, start included, end excluded. Bounds are zoned
 * date-times, not local ones, so a time in a repeated autumn hour keeps the offset it was given.
 */
public record DateRange(ZoneId zone, ZonedDateTime start, ZonedDateTime end) {

  public Instant fromInstant() {
    return start.toInstant();
  }

  public Instant toInstant() {
    return end.toInstant();
  }

  /** True when now lies inside the range (its answers still change). */
  public boolean includes(Instant now) {
    return !now.isBefore(fromInstant()) && now.isBefore(toInstant());
  }

  /** The range as Plausible echoes it: first and last second, with the zone's offsets. */
  public String[] echo() {
    return new String[] {start.toOffsetDateTime().toString(), lastSecond().toOffsetDateTime().toString()};
  }

  private ZonedDateTime lastSecond() {
    return end.minusSeconds(1);
  }

  /**
   * The period this one is compared with: as much local time just before (as many days, for
   * whole days), or the same local dates and times a year earlier. A year before 28 February
   * 2025 is 28 February 2024, so the end moves with the last second, not the exclusive end.
   */
  public DateRange comparison(ComparisonMode mode) {
    LocalDateTime localStart = start.toLocalDateTime();
    return switch (mode) {
      case CUSTOM -> throw new IllegalArgumentException("a custom comparison names its own dates");
      case PREVIOUS_PERIOD -> {
        Duration length = Duration.between(localStart, end.toLocalDateTime());
        yield new DateRange(zone, localStart.minus(length).atZone(zone), start);
      }
      case YEAR_OVER_YEAR -> new DateRange(zone, localStart.minusYears(1).atZone(zone),
          lastSecond().toLocalDateTime().minusYears(1).atZone(zone).plusSeconds(1));
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
        ZonedDateTime from = zoned(times.from(), zone);
        // The end is inclusive to the second, as in Plausible.
        ZonedDateTime to = zoned(times.to(), zone).withNano(0).plusSeconds(1);
        if (!to.isAfter(from)) {
          throw QueryParser.invalid("date_range", "to is before from");
        }
        yield new DateRange(zone, from, to);
      }
    };
  }

  /** Whole local days, both included. */
  static DateRange days(ZoneId zone, LocalDate first, LocalDate last) {
    return new DateRange(zone, first.atStartOfDay(zone), last.plusDays(1).atStartOfDay(zone));
  }

  /** A date-time at the instant its offset names, or, without one, read in the site's zone. */
  private static ZonedDateTime zoned(String s, ZoneId zone) {
    try {
      return OffsetDateTime.parse(s).atZoneSameInstant(zone);
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(s).atZone(zone);
    }
  }
}

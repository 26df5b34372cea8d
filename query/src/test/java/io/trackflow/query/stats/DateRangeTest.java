package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.query.stats.Dimension.TimeGrain;
import io.trackflow.query.stats.Query.ComparisonMode;
import io.trackflow.query.stats.Query.DateRangeSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Date ranges resolve in the site's time zone, and time labels follow its clock changes")
class DateRangeTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  // 23:30 UTC on 31 March is already 1 April in Berlin (UTC+2) and Tokyo.
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-31T23:30:00Z"), ZoneOffset.UTC);

  private static DateRange resolve(String name, ZoneId zone) {
    return DateRange.resolve(new DateRangeSpec.Named(name), zone, CLOCK, LocalDate.of(2025, 6, 15));
  }

  @Test
  @DisplayName("'day' is today in the site's zone: from its local midnight to the next, as instants")
  void dayInZone() {
    DateRange day = resolve("day", BERLIN);
    assertThat(day.fromInstant()).isEqualTo(Instant.parse("2026-03-31T22:00:00Z"));
    assertThat(day.toInstant()).isEqualTo(Instant.parse("2026-04-01T22:00:00Z"));
    assertThat(day.includes(CLOCK.instant())).isTrue();
    DateRange utcDay = resolve("day", ZoneOffset.UTC);
    assertThat(utcDay.fromInstant()).isEqualTo(Instant.parse("2026-03-31T00:00:00Z"));
  }

  @Test
  @DisplayName("Relative ranges count whole local days ending today; calendar ranges cover whole months or years")
  void relativeRanges() {
    assertThat(resolve("7d", TOKYO).start().toLocalDate()).isEqualTo(LocalDate.of(2026, 3, 26));
    assertThat(resolve("30d", TOKYO).start().toLocalDate()).isEqualTo(LocalDate.of(2026, 3, 3));
    assertThat(resolve("month", TOKYO).start().toLocalDate()).isEqualTo(LocalDate.of(2026, 4, 1));
    assertThat(resolve("month", TOKYO).end().toLocalDate()).isEqualTo(LocalDate.of(2026, 5, 1));
    assertThat(resolve("6mo", TOKYO).start().toLocalDate()).isEqualTo(LocalDate.of(2025, 11, 1));
    assertThat(resolve("12mo", TOKYO).start().toLocalDate()).isEqualTo(LocalDate.of(2025, 5, 1));
    assertThat(resolve("year", TOKYO).end().toLocalDate()).isEqualTo(LocalDate.of(2027, 1, 1));
    assertThat(resolve("all", TOKYO).start().toLocalDate()).isEqualTo(LocalDate.of(2025, 6, 15));
  }

  @Test
  @DisplayName("The day of the spring clock change lasts 23 hours and its hour labels skip 02:00")
  void springForward() {
    DateRange day = DateRange.resolve(new DateRangeSpec.Dates(LocalDate.of(2026, 3, 29), LocalDate.of(2026, 3, 29)),
        BERLIN, CLOCK, LocalDate.now());
    assertThat(day.toInstant().toEpochMilli() - day.fromInstant().toEpochMilli()).isEqualTo(23 * 3_600_000L);
    assertThat(TimeLabels.labels(day, TimeGrain.HOUR)).hasSize(23)
        .contains("2026-03-29 01:00:00", "2026-03-29 03:00:00")
        .doesNotContain("2026-03-29 02:00:00");
  }

  @Test
  @DisplayName("The day of the autumn clock change lasts 25 hours; its repeated hour is one label")
  void fallBack() {
    DateRange day = DateRange.resolve(new DateRangeSpec.Dates(LocalDate.of(2026, 10, 25), LocalDate.of(2026, 10, 25)),
        BERLIN, CLOCK, LocalDate.now());
    assertThat(day.toInstant().toEpochMilli() - day.fromInstant().toEpochMilli()).isEqualTo(25 * 3_600_000L);
    assertThat(TimeLabels.labels(day, TimeGrain.HOUR)).hasSize(24).containsOnlyOnce("2026-10-25 02:00:00");
  }

  @Test
  @DisplayName("Week labels are Mondays and month labels first days, each once")
  void weekAndMonthLabels() {
    DateRange range = DateRange.resolve(new DateRangeSpec.Dates(LocalDate.of(2026, 3, 4), LocalDate.of(2026, 4, 2)),
        BERLIN, CLOCK, LocalDate.now());
    assertThat(TimeLabels.labels(range, TimeGrain.WEEK))
        .containsExactly("2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30");
    assertThat(TimeLabels.labels(range, TimeGrain.MONTH)).containsExactly("2026-03-01", "2026-04-01");
    assertThat(TimeLabels.labels(range, TimeGrain.DAY)).hasSize(30);
  }

  @Test
  @DisplayName("The previous period is as long and ends where the range starts; year over year shifts a year")
  void comparisons() {
    DateRange range = resolve("7d", BERLIN);
    DateRange previous = range.comparison(ComparisonMode.PREVIOUS_PERIOD);
    assertThat(previous.end()).isEqualTo(range.start());
    assertThat(previous.start()).isEqualTo(range.start().minusDays(7));
    DateRange yoy = range.comparison(ComparisonMode.YEAR_OVER_YEAR);
    assertThat(yoy.start()).isEqualTo(range.start().minusYears(1));
  }

  @Test
  @DisplayName("Year over year compares the same dates: February 2025 with 1 to 28 February 2024, not with 29 February too")
  void yearOverYearKeepsTheDates() {
    DateRange february = DateRange.resolve(new DateRangeSpec.Dates(LocalDate.of(2025, 2, 1), LocalDate.of(2025, 2, 28)),
        BERLIN, CLOCK, LocalDate.now());
    DateRange yoy = february.comparison(ComparisonMode.YEAR_OVER_YEAR);
    assertThat(yoy.fromInstant()).isEqualTo(Instant.parse("2024-01-31T23:00:00Z"));
    assertThat(yoy.toInstant()).isEqualTo(Instant.parse("2024-02-28T23:00:00Z"));
    DateRange leapDay = DateRange.resolve(new DateRangeSpec.Dates(LocalDate.of(2024, 2, 29), LocalDate.of(2024, 2, 29)),
        BERLIN, CLOCK, LocalDate.now()).comparison(ComparisonMode.YEAR_OVER_YEAR);
    assertThat(leapDay.echo()).containsExactly("2023-02-28T00:00+01:00", "2023-02-28T23:59:59+01:00");
  }

  @Test
  @DisplayName("A date-time with an offset in the repeated autumn hour means that instant, not the hour's other occurrence")
  void offsetInRepeatedHour() {
    DateRange r = DateRange.resolve(new DateRangeSpec.DateTimes("2026-10-25T02:30:00+01:00", "2026-10-25T02:59:59+01:00"),
        BERLIN, CLOCK, LocalDate.now());
    assertThat(r.fromInstant()).isEqualTo(Instant.parse("2026-10-25T01:30:00Z"));
    assertThat(r.toInstant()).isEqualTo(Instant.parse("2026-10-25T02:00:00Z"));
    assertThat(r.echo()).containsExactly("2026-10-25T02:30+01:00", "2026-10-25T02:59:59+01:00");
  }

  @Test
  @DisplayName("Explicit date-times include their last second, read in the site's zone unless they carry an offset")
  void dateTimes() {
    DateRange r = DateRange.resolve(new DateRangeSpec.DateTimes("2026-03-01T10:00:00", "2026-03-01T10:59:59"),
        BERLIN, CLOCK, LocalDate.now());
    assertThat(r.fromInstant()).isEqualTo(Instant.parse("2026-03-01T09:00:00Z"));
    assertThat(r.toInstant()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    DateRange offset = DateRange.resolve(new DateRangeSpec.DateTimes("2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z"),
        BERLIN, CLOCK, LocalDate.now());
    assertThat(offset.fromInstant()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
  }
}

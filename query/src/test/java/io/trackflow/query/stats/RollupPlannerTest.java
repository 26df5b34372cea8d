package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which rows the rollup planner reads for a range: the answers themselves are checked against
 * the raw tables by {@link RollupContract}; this pins down that cut days are read from the
 * rollups (not silently raw), and read raw where they must be.
 */
class RollupPlannerTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static Map<LocalDate, RollupPlanner.Build> built(String first, String last, LocalDate... crossed) {
    Map<LocalDate, RollupPlanner.Build> days = new HashMap<>();
    for (LocalDate d = LocalDate.parse(first); !d.isAfter(LocalDate.parse(last)); d = d.plusDays(1)) {
      days.put(d, new RollupPlanner.Build(0, List.of(crossed).contains(d) ? 1 : 0, 1));
    }
    return days;
  }

  private static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  @DisplayName("Berlin's days cut UTC days at 23:00: visitors of the cut days come from their day rows' prefix and suffix counts")
  void localDaysCutUtcDaysIntoPrefixAndSuffix() {
    DateRange range = DateRange.days(BERLIN, LocalDate.parse("2025-03-10"), LocalDate.parse("2025-03-12"));
    RollupPlanner.Parts parts = RollupPlanner.decompose(range, built("2025-03-01", "2025-03-31"), null, true, false);
    assertThat(parts.days()).containsExactly(LocalDate.parse("2025-03-10"), LocalDate.parse("2025-03-11"));
    assertThat(parts.raw()).isEmpty();
    // 2025-03-09 23:00–24:00 is one hour (its hour row); 2025-03-12 00:00–23:00 is the day's prefix of 23 hours.
    assertThat(parts.visitorHours()).containsExactly(at("2025-03-09T23:00:00Z"));
    assertThat(parts.splits()).containsOnly(Map.entry(LocalDate.parse("2025-03-12"), new RollupPlanner.Split(23, 0)));
    assertThat(parts.hours()).extracting(span -> List.of(span[0], span[1])).containsExactly(
        List.of(at("2025-03-09T23:00:00Z"), at("2025-03-10T00:00:00Z")),
        List.of(at("2025-03-12T00:00:00Z"), at("2025-03-12T23:00:00Z")));
  }

  @Test
  @DisplayName("A daily series in Berlin splits every UTC day at 23:00: the prefix is its own local day, the last hour (an hour row) the next one's")
  void dailySeriesSplitsEveryDay() {
    DateRange range = DateRange.days(BERLIN, LocalDate.parse("2025-03-10"), LocalDate.parse("2025-03-12"));
    Dimension day = Dimension.parse("time:day").orElseThrow();
    RollupPlanner.Parts parts = RollupPlanner.decompose(range, built("2025-03-01", "2025-03-31"), day, true, false);
    assertThat(parts.days()).isEmpty();
    assertThat(parts.raw()).isEmpty();
    assertThat(parts.splits()).containsOnly(
        Map.entry(LocalDate.parse("2025-03-10"), new RollupPlanner.Split(23, 0)),
        Map.entry(LocalDate.parse("2025-03-11"), new RollupPlanner.Split(23, 0)),
        Map.entry(LocalDate.parse("2025-03-12"), new RollupPlanner.Split(23, 0)));
    assertThat(parts.visitorHours()).containsExactlyInAnyOrder(at("2025-03-09T23:00:00Z"), at("2025-03-10T23:00:00Z"),
        at("2025-03-11T23:00:00Z"));
  }

  @Test
  @DisplayName("New York's days start at 04:00 UTC: the first UTC day gives its suffix count, the last its prefix count")
  void suffixOfTheFirstDay() {
    ZoneId newYork = ZoneId.of("America/New_York");
    DateRange range = DateRange.days(newYork, LocalDate.parse("2025-03-12"), LocalDate.parse("2025-03-13"));
    RollupPlanner.Parts parts = RollupPlanner.decompose(range, built("2025-03-01", "2025-03-31"), null, true, false);
    // New York is UTC-4 after 9 March: the range is 12 March 04:00 UTC to 14 March 04:00 UTC.
    assertThat(parts.days()).containsExactly(LocalDate.parse("2025-03-13"));
    assertThat(parts.splits()).containsOnly(
        Map.entry(LocalDate.parse("2025-03-12"), new RollupPlanner.Split(0, 4)),
        Map.entry(LocalDate.parse("2025-03-14"), new RollupPlanner.Split(4, 0)));
  }

  @Test
  @DisplayName("Days on both sides of a midnight some visitor crosses, and days not built, are read raw; whole days in UTC are day rows")
  void crossedAndUnbuiltDaysAreRaw() {
    DateRange range = DateRange.days(ZoneOffset.UTC, LocalDate.parse("2025-03-10"), LocalDate.parse("2025-03-14"));
    RollupPlanner.Parts parts = RollupPlanner.decompose(range,
        built("2025-03-10", "2025-03-13", LocalDate.parse("2025-03-11")), null, true, false);
    assertThat(parts.days()).containsExactly(LocalDate.parse("2025-03-10"), LocalDate.parse("2025-03-13"));
    assertThat(parts.raw()).extracting(span -> List.of(span[0], span[1])).containsExactly(
        List.of(at("2025-03-11T00:00:00Z"), at("2025-03-13T00:00:00Z")),
        List.of(at("2025-03-14T00:00:00Z"), at("2025-03-15T00:00:00Z")));
    // Without visitors, visits or engagement, a crossing changes nothing.
    assertThat(RollupPlanner.decompose(range, built("2025-03-10", "2025-03-13", LocalDate.parse("2025-03-11")), null,
        false, false).days()).hasSize(4);
  }

  @Test
  @DisplayName("Visits of pages and engagement add up only over whole UTC days: the cut days are read raw")
  void dayOnlyMetricsReadCutDaysRaw() {
    DateRange range = DateRange.days(BERLIN, LocalDate.parse("2025-03-10"), LocalDate.parse("2025-03-12"));
    RollupPlanner.Parts parts = RollupPlanner.decompose(range, built("2025-03-01", "2025-03-31"),
        Dimension.parse("event:page").orElseThrow(), true, true);
    assertThat(parts.days()).containsExactly(LocalDate.parse("2025-03-10"), LocalDate.parse("2025-03-11"));
    assertThat(parts.splits()).isEmpty();
    assertThat(parts.raw()).extracting(span -> List.of(span[0], span[1])).containsExactly(
        List.of(at("2025-03-09T23:00:00Z"), at("2025-03-10T00:00:00Z")),
        List.of(at("2025-03-12T00:00:00Z"), at("2025-03-12T23:00:00Z")));
  }
}

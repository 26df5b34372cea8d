package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A running period is compared with the same elapsed part of the period before it")
class ComparisonsTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private final QueryParser parser = new QueryParser();

  /** The compared range's first and last second, as the answer echoes them. */
  private String[] compared(String range, String comparisons, String now) {
    Query query = parser.parse(new JsonObject("{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":" + range
        + ",\"include\":{\"comparisons\":" + comparisons + "}}"));
    Clock clock = Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
    DateRange resolved = DateRange.resolve(query.dateRange(), BERLIN, clock, LocalDate.of(2020, 1, 1));
    return Comparisons.of(query, resolved, clock.instant()).echo();
  }

  @Test
  @DisplayName("Month to date on 10 March at 14:30 compares with 1 February to 10 February 14:29, not with a whole month")
  void monthToDate() {
    assertThat(compared("\"month\"", "{\"mode\":\"previous_period\"}", "2026-03-10T13:30:20Z"))
        .containsExactly("2026-02-01T00:00+01:00", "2026-02-10T14:29:59+01:00");
  }

  @Test
  @DisplayName("Month to date on the 31st compares with the whole previous month at most, never with days of this one")
  void monthToDateCappedAtTheMonth() {
    assertThat(compared("\"month\"", "{\"mode\":\"previous_period\"}", "2026-03-31T10:00:00Z"))
        .containsExactly("2026-02-01T00:00+01:00", "2026-02-28T23:59:59+01:00");
  }

  @Test
  @DisplayName("Today at 14:30 compares with yesterday until 14:30, also across a clock change")
  void today() {
    // 30 March 2026 follows the spring clock change in Berlin (29 March lasted 23 hours).
    assertThat(compared("\"day\"", "{\"mode\":\"previous_period\"}", "2026-03-30T12:30:00Z"))
        .containsExactly("2026-03-29T00:00+01:00", "2026-03-29T14:29:59+02:00");
  }

  @Test
  @DisplayName("Year to date compares with the same part of last year, by elapsed time or, year over year, by date")
  void yearToDate() {
    // Midnight starting 11 March 2025, 69 days into the year; 2024 is a leap year, so 69 days
    // into it end with 9 March, while its dates end with 10 March.
    assertThat(compared("\"year\"", "{\"mode\":\"previous_period\"}", "2025-03-10T23:00:00Z"))
        .containsExactly("2024-01-01T00:00+01:00", "2024-03-09T23:59:59+01:00");
    assertThat(compared("\"year\"", "{\"mode\":\"year_over_year\"}", "2025-03-10T23:00:00Z"))
        .containsExactly("2024-01-01T00:00+01:00", "2024-03-10T23:59:59+01:00");
  }

  @Test
  @DisplayName("Ranges that are not running calendar periods keep the whole-length comparison; custom names its dates")
  void othersUnchanged() {
    assertThat(compared("\"7d\"", "{\"mode\":\"previous_period\"}", "2026-03-10T13:30:00Z"))
        .containsExactly("2026-02-25T00:00+01:00", "2026-03-03T23:59:59+01:00");
    assertThat(compared("[\"2026-03-01\",\"2026-03-31\"]", "{\"mode\":\"previous_period\"}", "2026-03-10T13:30:00Z"))
        .containsExactly("2026-01-29T00:00+01:00", "2026-02-28T23:59:59+01:00");
    assertThat(compared("\"month\"", "{\"mode\":\"custom\",\"date_range\":[\"2025-12-01\",\"2025-12-24\"]}", "2026-03-10T13:30:00Z"))
        .containsExactly("2025-12-01T00:00+01:00", "2025-12-24T23:59:59+01:00");
  }
}

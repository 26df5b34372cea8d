package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.query.stats.Dimension.TimeGrain;
import java.math.BigDecimal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The pure pieces of shaping an answer: string order, rounding of ratios, bucket labels. */
class ResultShaperTest {

  @Test
  @DisplayName("Strings order by code point, as the stores sort UTF-8: a character beyond U+FFFF sorts after U+FFFF")
  void codePointOrder() {
    assertThat(ResultShaper.compareCodePoints("\uFFFF", "😀")).isNegative();
    assertThat(ResultShaper.compareCodePoints("😀", "\uFFFF")).isPositive();
    assertThat(ResultShaper.compareCodePoints("a😀b", "a😀c")).isNegative();
    assertThat(ResultShaper.compareCodePoints("B", "a")).isNegative();
    assertThat(ResultShaper.compareCodePoints("ab", "abc")).isNegative();
    assertThat(ResultShaper.compareCodePoints("abc", "ab")).isPositive();
    assertThat(ResultShaper.compareCodePoints("é", "é")).isZero();
  }

  @Test
  @DisplayName("A missing value (a comparison bucket outside the range) sorts before every string, and equals another missing one")
  void nullsFirst() {
    assertThat(ResultShaper.compareCodePoints(null, "")).isNegative();
    assertThat(ResultShaper.compareCodePoints("", null)).isPositive();
    assertThat(ResultShaper.compareCodePoints(null, null)).isZero();
  }

  @Test
  @DisplayName("Ratios round half up at their scale and are zero, at that scale, when nothing is divided")
  void ratios() {
    assertThat(ResultShaper.ratio(1, 8, 2)).isEqualByComparingTo("0.13");
    assertThat(ResultShaper.ratio(1, 8, 2).scale()).isEqualTo(2);
    assertThat(ResultShaper.ratio(5, 2, 0)).isEqualByComparingTo("3");
    assertThat(ResultShaper.ratio(200, 3, 1)).isEqualByComparingTo("66.7");
    assertThat(ResultShaper.ratio(7, 0, 1)).isEqualTo(new BigDecimal("0.0"));
  }

  @Test
  @DisplayName("Bucket keys turn into the labels TimeLabels lists: hours, days, Monday-started weeks and months, also before 1970")
  void bucketLabels() {
    long day = java.time.LocalDate.of(2026, 3, 29).toEpochDay();
    assertThat(TimeBuckets.label(TimeGrain.HOUR, day * 24 + 2)).isEqualTo("2026-03-29 02:00:00");
    assertThat(TimeBuckets.label(TimeGrain.DAY, day)).isEqualTo("2026-03-29");
    // Week keys count Monday-started weeks: (epoch day + 3) / 7.
    assertThat(TimeBuckets.label(TimeGrain.WEEK, (day + 3) / 7)).isEqualTo("2026-03-23");
    assertThat(TimeBuckets.label(TimeGrain.MONTH, 2026 * 12 + 2)).isEqualTo("2026-03-01");
    assertThat(TimeBuckets.label(TimeGrain.MONTH, 2026 * 12 + 11)).isEqualTo("2026-12-01");
    assertThat(TimeBuckets.label(TimeGrain.DAY, -1)).isEqualTo("1969-12-31");
  }

  @Test
  @DisplayName("Without order_by the time dimension runs forward, then the first metric descending, then every other dimension ascending")
  void effectiveOrder() {
    QueryParser parser = new QueryParser();
    Query defaults = parser.parse(new io.vertx.core.json.JsonObject("""
        {"site_id": "s", "metrics": ["pageviews", "visitors"], "date_range": "7d",
         "dimensions": ["visit:source", "time:day", "visit:country"]}"""));
    assertThat(ResultShaper.effectiveOrder(defaults)).containsExactly(
        new Query.OrderBy("time:day", false), new Query.OrderBy("pageviews", true),
        new Query.OrderBy("visit:source", false), new Query.OrderBy("visit:country", false));
    Query ordered = parser.parse(new io.vertx.core.json.JsonObject("""
        {"site_id": "s", "metrics": ["visitors"], "date_range": "7d",
         "dimensions": ["visit:source", "visit:country"], "order_by": [["visit:country", "desc"]]}"""));
    assertThat(ResultShaper.effectiveOrder(ordered)).containsExactly(
        new Query.OrderBy("visit:country", true), new Query.OrderBy("visit:source", false));
  }
}

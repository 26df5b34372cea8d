package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trackflow.core.http.HttpFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every size and range limit of the query schema, on both sides of its edge. */
class QueryParserBoundariesTest {

  private final QueryParser parser = new QueryParser();

  private static JsonObject base() {
    return new JsonObject().put("site_id", "example.com").put("metrics", new JsonArray().add("visitors"))
        .put("date_range", "7d");
  }

  private static JsonArray is(String dimension, JsonArray values) {
    return new JsonArray().add("is").add(dimension).add(values);
  }

  private static JsonArray strings(int n, String value) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) {
      a.add(value + i);
    }
    return a;
  }

  /** A filter nested {@code levels} deep in single-child "not"s around one condition. */
  private static JsonArray nested(int levels) {
    JsonArray f = is("event:page", new JsonArray().add("/"));
    for (int i = 0; i < levels; i++) {
      f = new JsonArray().add("not").add(f);
    }
    return f;
  }

  private void rejected(JsonObject body, String field) {
    assertThatThrownBy(() -> parser.parse(body)).isInstanceOfSatisfying(HttpFailure.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.error().details().getString("field")).isEqualTo(field);
    });
  }

  @Test
  @DisplayName("A filter may hold 100 values of up to 2,000 characters each, not 101 values or a 2,001-character one")
  void filterValues() {
    assertThat(((Filter.Condition) parser.parse(base().put("filters",
        new JsonArray().add(is("event:page", strings(100, "/p"))))).filters().get(0)).values()).hasSize(100);
    rejected(base().put("filters", new JsonArray().add(is("event:page", strings(101, "/p")))), "filters[0][2]");
    rejected(base().put("filters", new JsonArray().add(is("event:page", new JsonArray()))), "filters[0][2]");
    String longest = "x".repeat(2_000);
    assertThat(((Filter.Condition) parser.parse(base().put("filters",
        new JsonArray().add(is("event:page", new JsonArray().add(longest))))).filters().get(0)).values())
        .containsExactly(longest);
    rejected(base().put("filters", new JsonArray().add(is("event:page", new JsonArray().add(longest + "x")))),
        "filters[0][2][0]");
  }

  @Test
  @DisplayName("Filters nest up to eight levels below the top; a ninth is refused")
  void nestingDepth() {
    Filter f = parser.parse(base().put("filters", new JsonArray().add(nested(8)))).filters().get(0);
    for (int i = 0; i < 8; i++) {
      f = ((Filter.Not) f).child();
    }
    assertThat(f).isInstanceOf(Filter.Condition.class);
    rejected(base().put("filters", new JsonArray().add(nested(9))), "filters[0]" + "[1]".repeat(9));
    // The same depth counts through and/or: nine single-child "and"s are one too many.
    JsonArray and = is("event:page", new JsonArray().add("/"));
    for (int i = 0; i < 9; i++) {
      and = new JsonArray().add("and").add(new JsonArray().add(and));
    }
    rejected(base().put("filters", new JsonArray().add(and)), "filters[0]" + "[1][0]".repeat(9));
  }

  @Test
  @DisplayName("A custom property dimension takes a key of up to 300 characters")
  void propKeyLength() {
    assertThat(parser.parse(base().put("dimensions", new JsonArray().add("event:props:" + "k".repeat(300))))
        .dimensions().get(0).propKey()).hasSize(300);
    rejected(base().put("dimensions", new JsonArray().add("event:props:" + "k".repeat(301))), "dimensions[0]");
  }

  @Test
  @DisplayName("site_id is 1 to 255 characters and not blank")
  void siteId() {
    assertThat(parser.parse(base().put("site_id", "s".repeat(255))).siteId()).hasSize(255);
    rejected(base().put("site_id", "s".repeat(256)), "site_id");
    rejected(base().put("site_id", "   "), "site_id");
    rejected(base().put("site_id", 7), "site_id");
  }

  @Test
  @DisplayName("Dates lie between 1 January 2000 and 31 December 2200, and a one-day range is allowed")
  void dateBounds() {
    assertThat(parser.parse(base().put("date_range", List.of("2000-01-01", "2200-12-31"))).dateRange())
        .isEqualTo(new Query.DateRangeSpec.Dates(java.time.LocalDate.of(2000, 1, 1), java.time.LocalDate.of(2200, 12, 31)));
    assertThat(parser.parse(base().put("date_range", List.of("2026-03-01", "2026-03-01"))).dateRange())
        .isInstanceOf(Query.DateRangeSpec.Dates.class);
    rejected(base().put("date_range", List.of("1999-12-31", "2000-01-01")), "date_range");
    rejected(base().put("date_range", List.of("2200-12-31", "2201-01-01")), "date_range");
    rejected(base().put("date_range", List.of("2026-03-01", "2026-03-01T10:00:00")), "date_range");
    rejected(base().put("date_range", List.of("2026-03-01")), "date_range");
    rejected(base().put("date_range", List.of("2026-03-01T10:00:00", "soon")), "date_range[1]");
    rejected(base().put("date_range", List.of("soon", "2026-03-01T10:00:00")), "date_range[0]");
  }

  @Test
  @DisplayName("Pagination takes limits 1 to 10,000 and offsets 0 to 1,000,000, whole numbers only")
  void pagination() {
    assertThat(parser.parse(base().put("pagination", new JsonObject().put("limit", 10_000).put("offset", 1_000_000)))
        .pagination()).isEqualTo(new Query.Pagination(10_000, 1_000_000));
    assertThat(parser.parse(base().put("pagination", new JsonObject().put("limit", 1).put("offset", 0)))
        .pagination()).isEqualTo(new Query.Pagination(1, 0));
    assertThat(parser.parse(base().put("pagination", new JsonObject().put("limit", 5.0))).pagination())
        .isEqualTo(new Query.Pagination(5, 0));
    rejected(base().put("pagination", new JsonObject().put("limit", 10_001)), "pagination.limit");
    rejected(base().put("pagination", new JsonObject().put("offset", 1_000_001)), "pagination.offset");
    rejected(base().put("pagination", new JsonObject().put("offset", -1)), "pagination.offset");
    rejected(base().put("pagination", new JsonObject().put("limit", "10")), "pagination.limit");
    rejected(base().put("pagination", new JsonObject().put("page", 2)), "pagination.page");
    rejected(base().put("pagination", new JsonArray()), "pagination");
    assertThat(parser.parse(base()).pagination()).isEqualTo(Query.Pagination.DEFAULT);
  }

  @Test
  @DisplayName("and/or take exactly one non-empty array and not exactly one filter")
  void combinatorShapes() {
    JsonArray leaf = is("event:page", new JsonArray().add("/"));
    rejected(base().put("filters", new JsonArray().add(new JsonArray().add("and"))), "filters[0]");
    rejected(base().put("filters", new JsonArray().add(new JsonArray().add("or").add(new JsonArray().add(leaf)).add(1))),
        "filters[0]");
    rejected(base().put("filters", new JsonArray().add(new JsonArray().add("or").add(new JsonArray()))), "filters[0][1]");
    rejected(base().put("filters", new JsonArray().add(new JsonArray().add("not").add(leaf).add(leaf))), "filters[0]");
    rejected(base().put("filters", new JsonArray().add(new JsonArray())), "filters[0]");
    rejected(base().put("filters", new JsonArray().add(new JsonArray().add("is").add("event:page"))), "filters[0]");
    assertThat(parser.parse(base().put("filters", new JsonArray()
        .add(new JsonArray().add("and").add(new JsonArray().add(leaf))))).filters().get(0))
        .isInstanceOf(Filter.And.class);
  }

  @Test
  @DisplayName("Modifiers are an object with only case_sensitive, a boolean")
  void modifiers() {
    JsonArray values = new JsonArray().add("/");
    rejected(base().put("filters", new JsonArray().add(is("event:page", values).add("case"))), "filters[0][3]");
    rejected(base().put("filters", new JsonArray().add(is("event:page", values).add(new JsonObject().put("case_sensitive", "no")))),
        "filters[0][3].case_sensitive");
    rejected(base().put("filters", new JsonArray().add(is("event:page", values).add(new JsonObject()))),
        "filters[0][3].case_sensitive");
  }

  @Test
  @DisplayName("include and comparisons are objects of known fields with boolean flags and a known mode")
  void includeShapes() {
    rejected(base().put("include", "all"), "include");
    rejected(base().put("include", new JsonObject().put("totals", "yes")), "include.totals");
    rejected(base().put("include", new JsonObject().put("comparisons", "previous_period")), "include.comparisons");
    rejected(base().put("include", new JsonObject().put("comparisons", new JsonObject().put("mode", "previous_period").put("x", 1))),
        "include.comparisons.x");
    assertThat(parser.parse(base().put("include", new JsonObject().put("time_labels", false).put("total_rows", false)
        .put("totals", false))).include()).isEqualTo(Query.Include.NONE);
    assertThat(parser.parse(base().put("include", new JsonObject().putNull("comparisons"))).include().comparisonMode())
        .isEmpty();
    assertThat(parser.parse(base().put("include", new JsonObject()
        .put("comparisons", new JsonObject().put("mode", "previous_period")))).include().comparisonMode())
        .contains(Query.ComparisonMode.PREVIOUS_PERIOD);
  }

  @Test
  @DisplayName("order_by entries are [field, direction] pairs naming a field once, in either case of direction")
  void orderShapes() {
    assertThat(parser.parse(base().put("order_by", new JsonArray().add(new JsonArray().add("visitors").add("DESC"))))
        .orderBy()).containsExactly(new Query.OrderBy("visitors", true));
    rejected(base().put("order_by", new JsonArray().add(new JsonArray().add("visitors"))), "order_by[0]");
    rejected(base().put("dimensions", new JsonArray().add("visit:source"))
        .put("order_by", new JsonArray().add(new JsonArray().add("visit:country").add("asc"))), "order_by[0][0]");
    rejected(base().put("order_by", new JsonArray().add("visitors")), "order_by[0]");
    rejected(base().put("order_by", new JsonArray()
        .add(new JsonArray().add("visitors").add("asc")).add(new JsonArray().add("visitors").add("desc"))), "order_by[1][0]");
  }

  @Test
  @DisplayName("A metric or dimension named twice is refused, as are non-array metrics and dimensions")
  void duplicates() {
    rejected(base().put("metrics", new JsonArray().add("visitors").add("visitors")), "metrics[1]");
    rejected(base().put("dimensions", new JsonArray().add("visit:source").add("visit:source")), "dimensions[1]");
    rejected(base().put("metrics", "visitors"), "metrics");
    rejected(base().put("dimensions", "visit:source"), "dimensions");
    rejected(base().putNull("metrics"), "metrics");
    rejected(base().putNull("date_range"), "date_range");
  }
}

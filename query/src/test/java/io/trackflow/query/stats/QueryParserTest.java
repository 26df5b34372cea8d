package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trackflow.core.http.HttpFailure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("The query parser accepts Plausible's Stats API v2 shape and names the field of every mistake")
class QueryParserTest {

  private final QueryParser parser = new QueryParser();

  private static JsonObject base() {
    return new JsonObject().put("site_id", "example.com").put("metrics", List.of("visitors"))
        .put("date_range", "7d");
  }

  @Test
  @DisplayName("A full query parses into typed metrics, range, dimensions, nested filters, order, include and paging")
  void fullQuery() {
    Query q = parser.parse(Buffer.buffer("""
        {"site_id": "example.com",
         "metrics": ["visitors", "bounce_rate", "percentage"],
         "date_range": ["2026-01-01", "2026-01-31"],
         "dimensions": ["visit:source", "time:day"],
         "filters": [["is", "visit:country", ["DE", "FR"]],
                     ["or", [["contains", "event:page", ["/blog"]], ["matches", "event:page", ["/docs/*"]]]],
                     ["not", ["is", "event:props:plan", ["free"], {"case_sensitive": false}]]],
         "order_by": [["visitors", "desc"], ["visit:source", "asc"]],
         "include": {"time_labels": true, "total_rows": true, "totals": true,
                     "comparisons": {"mode": "year_over_year"}},
         "pagination": {"limit": 25, "offset": 50}}"""));
    assertThat(q.metrics()).containsExactly(Metric.VISITORS, Metric.BOUNCE_RATE, Metric.PERCENTAGE);
    assertThat(q.dateRange()).isEqualTo(new Query.DateRangeSpec.Dates(
        LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 31)));
    assertThat(q.dimensions()).extracting(Dimension::name).containsExactly("visit:source", "time:day");
    assertThat(q.filters()).hasSize(3);
    assertThat(q.filters().get(1)).isInstanceOf(Filter.Or.class);
    Filter.Not not = (Filter.Not) q.filters().get(2);
    Filter.Condition prop = (Filter.Condition) not.child();
    assertThat(prop.dimension().propKey()).isEqualTo("plan");
    assertThat(prop.caseSensitive()).isFalse();
    assertThat(q.orderBy()).containsExactly(new Query.OrderBy("visitors", true), new Query.OrderBy("visit:source", false));
    assertThat(q.include()).isEqualTo(new Query.Include(true, true, true, Query.ComparisonMode.YEAR_OVER_YEAR));
    assertThat(q.pagination()).isEqualTo(new Query.Pagination(25, 50));
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("Each filter operator becomes its own operator, with the dimension, every value as given and in order, and the case modifier")
  @CsvSource({"is, IS", "is_not, IS_NOT", "contains, CONTAINS", "matches, MATCHES"})
  void filterOperatorsAndValues(String op, Filter.Op expected) {
    JsonArray values = new JsonArray().add("Google").add("").add("it's \"x\" \\ *").add(" Ü ");
    Query q = parser.parse(base().put("filters", new JsonArray()
        .add(new JsonArray().add(op).add("visit:source").add(values))
        .add(new JsonArray().add(op).add("event:props:plan").add(new JsonArray().add("Pro"))
            .add(new JsonObject().put("case_sensitive", false)))
        .add(new JsonArray().add(op).add("event:page").add(new JsonArray().add("/a"))
            .add(new JsonObject().put("case_sensitive", true)))));
    assertThat(q.filters()).containsExactly(
        new Filter.Condition(expected, new Dimension("visit:source", Dimension.Kind.VISIT, null),
            List.of("Google", "", "it's \"x\" \\ *", " Ü "), true),
        new Filter.Condition(expected, new Dimension("event:props:plan", Dimension.Kind.EVENT_PROP, "plan"),
            List.of("Pro"), false),
        new Filter.Condition(expected, new Dimension("event:page", Dimension.Kind.EVENT, null), List.of("/a"), true));
  }

  @Test
  @DisplayName("and, or and not nest their filters in order, each kept whole")
  void filterNesting() {
    Query q = parser.parse(base().put("filters", new JsonArray("""
        [["not", ["or", [["is", "visit:country", ["DE"]], ["and", [["contains", "visit:os", ["Win"]],
                                                                   ["matches", "visit:browser", ["Chr*"]]]]]]],
         ["is_not", "event:name", ["pageview"]]]""")));
    Dimension.Kind visit = Dimension.Kind.VISIT;
    assertThat(q.filters()).containsExactly(
        new Filter.Not(new Filter.Or(List.of(
            new Filter.Condition(Filter.Op.IS, new Dimension("visit:country", visit, null), List.of("DE"), true),
            new Filter.And(List.of(
                new Filter.Condition(Filter.Op.CONTAINS, new Dimension("visit:os", visit, null), List.of("Win"), true),
                new Filter.Condition(Filter.Op.MATCHES, new Dimension("visit:browser", visit, null), List.of("Chr*"), true)))))),
        new Filter.Condition(Filter.Op.IS_NOT, new Dimension("event:name", Dimension.Kind.EVENT, null), List.of("pageview"), true));
  }

  @Test
  @DisplayName("Every named range and date-times with or without an offset are accepted")
  void ranges() {
    for (String named : List.of("day", "7d", "30d", "month", "6mo", "12mo", "year", "all")) {
      assertThat(parser.parse(base().put("date_range", named)).dateRange())
          .isEqualTo(new Query.DateRangeSpec.Named(named));
    }
    assertThat(parser.parse(base().put("date_range", List.of("2026-01-01T10:00:00+01:00", "2026-01-01T12:00:00")))
        .dateRange()).isInstanceOf(Query.DateRangeSpec.DateTimes.class);
  }

  @ParameterizedTest(name = "{1}")
  @DisplayName("Malformed or unknown input is a 400 whose message names the field")
  @CsvSource(delimiter = '|', value = {
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\",\"pageviews\",\"foo\"],\"date_range\":\"7d\"}|metrics[2]: unknown metric 'foo'",
      "{\"metrics\":[\"visitors\"],\"date_range\":\"7d\"}|site_id: required",
      "{\"site_id\":\"a\",\"metrics\":[],\"date_range\":\"7d\"}|metrics: must name at least one metric",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"8d\"}|date_range: unknown range '8d'",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":[\"2026-02-01\",\"2026-01-01\"]}|date_range: to is before from",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":[\"2026-02-30\",\"2026-03-01\"]}|date_range[0]: '2026-02-30' is not a date",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"dimensions\":[\"visit:planet\"]}|dimensions[0]: unknown dimension 'visit:planet'",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"dimensions\":[\"time:day\",\"time:hour\"]}|dimensions[1]: only one time dimension",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"filters\":[[\"like\",\"event:page\",[\"/\"]]]}|filters[0][0]: unknown filter operator 'like'",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"filters\":[[\"is\",\"event:page\",\"/\"]]}|filters[0][2]: must be an array",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"filters\":[[\"is\",\"event:page\",[1]]]}|filters[0][2][0]: must be a string",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"filters\":[[\"and\",[[\"is\",\"nope\",[\"x\"]]]]]}|filters[0][1][0][1]: unknown dimension 'nope'",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"filters\":[[\"or\",[[\"is\",\"event:page\",[\"/\"]],[\"is\",\"visit:country\",[\"DE\"]]]]]}|filters[0]: event and visit dimensions cannot be mixed",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"filters\":[[\"is\",\"time:day\",[\"x\"]]]}|filters[0][1]: time dimensions cannot be filtered",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"filters\":[[\"is\",\"event:page\",[\"/\"],{\"case\":true}]]}|filters[0][3].case: unknown modifier",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"order_by\":[[\"pageviews\",\"desc\"]]}|order_by[0][0]: 'pageviews' is not a metric or dimension of this query",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"order_by\":[[\"visitors\",\"up\"]]}|order_by[0][1]: must be",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"include\":{\"totals\":true,\"colour\":1}}|include.colour: unknown field",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"include\":{\"comparisons\":{\"mode\":\"last_week\"}}}|include.comparisons.mode: unknown mode 'last_week'",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"include\":{\"time_labels\":true}}|include.time_labels: needs a time dimension",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"include\":{\"comparisons\":{\"mode\":\"custom\"}}}|include.comparisons.date_range: required with mode 'custom'",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"include\":{\"comparisons\":{\"mode\":\"custom\",\"date_range\":\"7d\"}}}|include.comparisons.date_range: must be a [from, to] array of two dates",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"include\":{\"comparisons\":{\"mode\":\"custom\",\"date_range\":[\"2026-02-09\",\"2026-02-01\"]}}}|include.comparisons.date_range: to is before from",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"include\":{\"comparisons\":{\"mode\":\"previous_period\",\"date_range\":[\"2026-02-01\",\"2026-02-09\"]}}}|include.comparisons.date_range: unknown field",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"pagination\":{\"limit\":0}}|pagination.limit: must be an integer between 1 and 10000",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"pagination\":{\"limit\":2.5}}|pagination.limit: must be an integer",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"sites\":[]}|sites: unknown field",
      "{\"site_id\":\"a\",\"metrics\":[\"bounce_rate\"],\"date_range\":\"7d\",\"dimensions\":[\"event:page\"]}|metrics[0]: session metric 'bounce_rate' cannot be broken down by an event dimension",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\",\"conversion_rate\"],\"date_range\":\"7d\"}|metrics[1]: conversion_rate needs a goal",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\",\"conversion_rate\"],\"date_range\":\"7d\",\"filters\":[[\"not\",[\"is\",\"event:goal\",[\"Signup\"]]]]}|metrics[1]: conversion_rate needs a goal",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\",\"total_revenue\"],\"date_range\":\"7d\"}|metrics[1]: total_revenue is read in the currency of its goal",
      "{\"site_id\":\"a\",\"metrics\":[\"average_revenue\"],\"date_range\":\"7d\",\"filters\":[[\"is_not\",\"event:goal\",[\"Purchase\"]]]}|metrics[0]: average_revenue is read in the currency of its goal",
      "{\"site_id\":\"a\",\"metrics\":[\"total_revenue\"],\"date_range\":\"7d\",\"filters\":[[\"or\",[[\"is\",\"event:goal\",[\"Purchase\"]]]]]}|metrics[0]: total_revenue is read in the currency of its goal",
      "{\"site_id\":\"a\",\"metrics\":[\"scroll_depth\"],\"date_range\":\"7d\"}|metrics[0]: scroll_depth is measured per page",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\",\"time_on_page\"],\"date_range\":\"7d\",\"filters\":[[\"or\",[[\"is\",\"event:page\",[\"/\"]]]]]}|metrics[1]: time_on_page is measured per page",
      "{\"site_id\":\"a\",\"metrics\":[\"time_on_page\"],\"date_range\":\"7d\",\"dimensions\":[\"event:page\",\"event:name\"]}|metrics[0]: time_on_page cannot be broken down by event:name",
      "{\"site_id\":\"a\",\"metrics\":[\"scroll_depth\"],\"date_range\":\"7d\",\"dimensions\":[\"event:page\"],\"filters\":[[\"not\",[\"is\",\"event:goal\",[\"Signup\"]]]]}|metrics[0]: scroll_depth cannot be filtered by event:name, event:goal or event:props",
      "{\"site_id\":\"a\",\"metrics\":[\"scroll_depth\"],\"date_range\":\"7d\",\"dimensions\":[\"event:page\",\"event:props:plan\"]}|metrics[0]: scroll_depth cannot be broken down by event:props:plan",
      "[1,2]|body: must be a JSON object",
      "{not json|body: not valid JSON",
      "{\"site_id\":\"a\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\",\"dimensions\":[\"event:props:\"]}|dimensions[0]: unknown dimension 'event:props:'",
  })
  void rejects(String body, String message) {
    assertThatThrownBy(() -> parser.parse(Buffer.buffer(body)))
        .isInstanceOfSatisfying(HttpFailure.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.error().code()).isEqualTo("invalid_query");
          assertThat(e.error().message()).startsWith(message);
          assertThat(e.error().details().getString("field")).isEqualTo(message.substring(0, message.indexOf(':')));
        });
  }

  @Test
  @DisplayName("Conversion rate accepts the goal dimension or a top-level goal filter; page metrics accept a page dimension or filter with visit filters")
  void goalAndPageMetrics() {
    assertThat(parser.parse(base().put("metrics", List.of("visitors", "conversion_rate"))
        .put("dimensions", List.of("event:goal"))).goalDimension()).isZero();
    assertThat(parser.parse(base().put("metrics", List.of("conversion_rate"))
        .put("filters", List.of(List.of("contains", "event:goal", List.of("Sign"))))).goalFilters()).hasSize(1);
    assertThat(parser.parse(base().put("metrics", List.of("scroll_depth", "time_on_page", "visitors"))
        .put("dimensions", List.of("event:page", "visit:source", "event:hostname", "time:day"))
        .put("filters", List.of(List.of("is", "visit:country", List.of("DE"))))).metrics())
        .containsExactly(Metric.SCROLL_DEPTH, Metric.TIME_ON_PAGE, Metric.VISITORS);
    assertThat(parser.parse(base().put("metrics", List.of("time_on_page", "bounce_rate"))
        .put("filters", List.of(List.of("matches", "event:page", List.of("/blog*"))))).metrics())
        .containsExactly(Metric.TIME_ON_PAGE, Metric.BOUNCE_RATE);
  }

  @Test
  @DisplayName("A NUL character anywhere in a string value is rejected rather than passed to a store")
  void nul() {
    assertThatThrownBy(() -> parser.parse(base().put("filters",
        List.of(List.of("is", "event:page", List.of("/a\u0000b"))))))
        .isInstanceOf(HttpFailure.class).hasMessageContaining("filters[0][2][0]");
  }
}

package io.trackflow.query.stats;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.stats.Query.ComparisonMode;
import io.trackflow.query.stats.Query.DateRangeSpec;
import io.trackflow.query.stats.Query.Include;
import io.trackflow.query.stats.Query.OrderBy;
import io.trackflow.query.stats.Query.Pagination;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates a stats query body. This is the request schema: every field is checked
 * here, and anything unknown or malformed is a 400 whose message names the field.
 */
public final class QueryParser {

  static final Set<String> NAMED_RANGES =
      Set.of("day", "7d", "30d", "month", "6mo", "12mo", "year", "all");
  private static final Set<String> TOP_LEVEL = Set.of("site_id", "metrics", "date_range",
      "dimensions", "filters", "order_by", "include", "pagination");
  private static final int MAX_VALUES = 100;
  private static final int MAX_VALUE_LENGTH = 2_000;
  private static final int MAX_DEPTH = 8;
  private static final int MAX_OFFSET = 1_000_000;

  /** Parses a request body. */
  public Query parse(Buffer body) {
    return parse(object(body));
  }

  /** Parses an already decoded body. */
  public Query parse(JsonObject body) {
    for (String key : body.fieldNames()) {
      if (!TOP_LEVEL.contains(key)) {
        throw invalid(key, "unknown field");
      }
    }
    String siteId = requiredString(body, "site_id");
    List<Metric> metrics = metrics(body.getValue("metrics"));
    DateRangeSpec range = dateRange(body.getValue("date_range"), "date_range");
    List<Dimension> dimensions = dimensions(body.getValue("dimensions"));
    List<Filter> filters = new ArrayList<>();
    Object rawFilters = body.getValue("filters");
    if (rawFilters != null) {
      JsonArray array = array(rawFilters, "filters");
      for (int i = 0; i < array.size(); i++) {
        String field = "filters[" + i + "]";
        Filter f = filter(array.getValue(i), field, 0);
        if (!f.eventLevel() && !f.visitLevel()) {
          throw invalid(field, "event and visit dimensions cannot be mixed inside one or/not filter");
        }
        filters.add(f);
      }
    }
    Include include = include(body.getValue("include"));
    Pagination pagination = pagination(body.getValue("pagination"));
    List<OrderBy> orderBy = orderBy(body.getValue("order_by"), metrics, dimensions);
    Query query = new Query(siteId, metrics, range, dimensions, filters, orderBy, include, pagination);
    checkCombinations(query);
    return query;
  }

  private static final Set<String> SCOPE_FIELDS = Set.of("site_id", "date_range", "filters");

  /**
   * Parses a funnel request: {@code {"site_id", "funnel": name, "date_range", "filters"?}}, whose
   * range and filters are those of stats queries.
   */
  public FunnelQuery parseFunnel(Buffer body) {
    JsonObject obj = object(body);
    String funnel = requiredString(obj, "funnel");
    obj.remove("funnel");
    Query query = scope(obj);
    return new FunnelQuery(query.siteId(), funnel, query.dateRange(), query.filters());
  }

  /**
   * Parses a request for the custom property keys of a range's matching events:
   * {@code {"site_id", "date_range", "filters"?}}, as the visitors of a stats query.
   */
  public Query parsePropKeys(Buffer body) {
    return scope(object(body));
  }

  /** Site, range and filters as a stats query of visitors; any other field is unknown. */
  private Query scope(JsonObject obj) {
    for (String key : obj.fieldNames()) {
      if (!SCOPE_FIELDS.contains(key)) {
        throw invalid(key, "unknown field");
      }
    }
    return parse(obj.copy().put("metrics", new JsonArray().add("visitors")));
  }

  private static JsonObject object(Buffer body) {
    Object json;
    try {
      json = body == null || body.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw invalid("body", "not valid JSON");
    }
    if (!(json instanceof JsonObject obj)) {
      throw invalid("body", "must be a JSON object");
    }
    return obj;
  }

  private static void checkCombinations(Query query) {
    for (int i = 0; i < query.metrics().size(); i++) {
      Metric m = query.metrics().get(i);
      String field = "metrics[" + i + "]";
      if (m.level() == Metric.Level.SESSION && query.hasEventDimension()) {
        throw invalid(field, "session metric '" + m.apiName()
            + "' cannot be broken down by an event dimension; use visit:entry_page or a visit dimension");
      }
      if ((m == Metric.TOTAL_REVENUE || m == Metric.AVERAGE_REVENUE) && query.goalDimension() < 0
          && query.revenueGoalFilters().isEmpty()) {
        throw invalid(field, m.apiName() + " is read in the currency of its goal: add the event:goal dimension "
            + "or a top-level event:goal filter naming revenue goals");
      }
      if (m == Metric.CONVERSION_RATE && query.goalFilters().isEmpty() && query.goalDimension() < 0) {
        throw invalid(field, "conversion_rate needs a goal: the event:goal dimension, or a top-level filter on "
            + "event:goal, event:name or event:page");
      }
    }
    if (query.metrics().stream().anyMatch(m -> m.level() == Metric.Level.ENGAGEMENT)) {
      checkEngagement(query);
    }
    if (query.include().timeLabels() && query.timeDimension().isEmpty()) {
      throw invalid("include.time_labels", "needs a time dimension (time:hour, time:day, time:week or time:month)");
    }
  }

  /**
   * Scroll depth and time on page are page metrics, as in Plausible: they need the page (as a
   * dimension or a top-level filter), and they are read from engagement pings, which have no
   * name, goal or props of their own to filter or group by.
   */
  private static void checkEngagement(Query query) {
    int index = 0;
    while (query.metrics().get(index).level() != Metric.Level.ENGAGEMENT) {
      index++;
    }
    String field = "metrics[" + index + "]";
    String name = query.metrics().get(index).apiName();
    boolean page = query.dimensions().stream().anyMatch(d -> d.name().equals("event:page"))
        || query.filters().stream().anyMatch(f -> f instanceof Filter.Condition c && c.dimension().name().equals("event:page"));
    if (!page) {
      throw invalid(field, name + " is measured per page: add the event:page dimension or a top-level event:page filter");
    }
    for (Dimension d : query.dimensions()) {
      if (!engagementReads(d)) {
        throw invalid(field, name + " cannot be broken down by " + d.name()
            + ": engagement pings carry only the page, the hostname and the visit");
      }
    }
    for (Filter f : query.filters()) {
      if (!engagementReads(f)) {
        throw invalid(field, name + " cannot be filtered by event:name, event:goal or event:props"
            + ": engagement pings carry only the page, the hostname and the visit");
      }
    }
  }

  private static boolean engagementReads(Dimension d) {
    return !d.isEvent() || d.name().equals("event:page") || d.name().equals("event:hostname");
  }

  private static boolean engagementReads(Filter f) {
    return switch (f) {
      case Filter.Condition c -> engagementReads(c.dimension());
      case Filter.And a -> a.children().stream().allMatch(QueryParser::engagementReads);
      case Filter.Or o -> o.children().stream().allMatch(QueryParser::engagementReads);
      case Filter.Not n -> engagementReads(n.child());
    };
  }

  private static List<Metric> metrics(Object raw) {
    if (raw == null) {
      throw invalid("metrics", "required");
    }
    JsonArray array = array(raw, "metrics");
    if (array.isEmpty()) {
      throw invalid("metrics", "must name at least one metric");
    }
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String field = "metrics[" + i + "]";
      String name = string(array.getValue(i), field);
      Metric metric = Metric.byName(name)
          .orElseThrow(() -> invalid(field, "unknown metric '" + name + "'"));
      if (metrics.contains(metric)) {
        throw invalid(field, "metric '" + name + "' is listed twice");
      }
      metrics.add(metric);
    }
    return metrics;
  }

  private static DateRangeSpec dateRange(Object raw, String field) {
    if (raw == null) {
      throw invalid(field, "required");
    }
    if (raw instanceof String name) {
      if (!NAMED_RANGES.contains(name)) {
        throw invalid(field, "unknown range '" + name + "'; use one of "
            + "day, 7d, 30d, month, 6mo, 12mo, year, all or [from, to]");
      }
      return new DateRangeSpec.Named(name);
    }
    if (!(raw instanceof JsonArray array) || array.size() != 2) {
      throw invalid(field, "must be a named range or a [from, to] array of two dates or date-times");
    }
    String from = string(array.getValue(0), field + "[0]");
    String to = string(array.getValue(1), field + "[1]");
    boolean fromDate = from.length() == 10;
    boolean toDate = to.length() == 10;
    if (fromDate != toDate) {
      throw invalid(field, "from and to must both be dates or both be date-times");
    }
    if (fromDate) {
      LocalDate f = date(from, field + "[0]");
      LocalDate t = date(to, field + "[1]");
      if (t.isBefore(f)) {
        throw invalid(field, "to is before from");
      }
      if (f.getYear() < 2000 || t.getYear() > 2200) {
        throw invalid(field, "dates must lie between the years 2000 and 2200");
      }
      return new DateRangeSpec.Dates(f, t);
    }
    dateTime(from, field + "[0]");
    dateTime(to, field + "[1]");
    return new DateRangeSpec.DateTimes(from, to);
  }

  private static LocalDate date(String s, String field) {
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw invalid(field, "'" + s + "' is not a date (YYYY-MM-DD)");
    }
  }

  /** Accepts ISO-8601 date-times with or without an offset. */
  static void dateTime(String s, String field) {
    try {
      OffsetDateTime.parse(s);
      return;
    } catch (DateTimeParseException e) {
      // fall through: maybe a local date-time
    }
    try {
      LocalDateTime.parse(s);
    } catch (DateTimeParseException e) {
      throw invalid(field, "'" + s + "' is not an ISO-8601 date-time");
    }
  }

  private static List<Dimension> dimensions(Object raw) {
    List<Dimension> dimensions = new ArrayList<>();
    if (raw == null) {
      return dimensions;
    }
    JsonArray array = array(raw, "dimensions");
    for (int i = 0; i < array.size(); i++) {
      String field = "dimensions[" + i + "]";
      String name = string(array.getValue(i), field);
      Dimension d = Dimension.parse(name)
          .orElseThrow(() -> invalid(field, "unknown dimension '" + name + "'"));
      if (dimensions.contains(d)) {
        throw invalid(field, "dimension '" + name + "' is listed twice");
      }
      if (d.isTime() && dimensions.stream().anyMatch(Dimension::isTime)) {
        throw invalid(field, "only one time dimension per query");
      }
      dimensions.add(d);
    }
    return dimensions;
  }

  private static Filter filter(Object raw, String field, int depth) {
    if (depth > MAX_DEPTH) {
      throw invalid(field, "filters are nested too deeply");
    }
    if (!(raw instanceof JsonArray array) || array.isEmpty()) {
      throw invalid(field, "must be a filter array like [\"is\", \"visit:country\", [\"DE\"]]");
    }
    String op = string(array.getValue(0), field + "[0]");
    switch (op) {
      case "and", "or" -> {
        if (array.size() != 2) {
          throw invalid(field, "'" + op + "' takes one array of filters");
        }
        JsonArray children = array(array.getValue(1), field + "[1]");
        if (children.isEmpty()) {
          throw invalid(field + "[1]", "must hold at least one filter");
        }
        List<Filter> parsed = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
          parsed.add(filter(children.getValue(i), field + "[1][" + i + "]", depth + 1));
        }
        return op.equals("and") ? new Filter.And(parsed) : new Filter.Or(parsed);
      }
      case "not" -> {
        if (array.size() != 2) {
          throw invalid(field, "'not' takes one filter");
        }
        return new Filter.Not(filter(array.getValue(1), field + "[1]", depth + 1));
      }
      default -> {
        return condition(array, op, field);
      }
    }
  }

  private static Filter condition(JsonArray array, String op, String field) {
    Filter.Op parsedOp = switch (op) {
      case "is" -> Filter.Op.IS;
      case "is_not" -> Filter.Op.IS_NOT;
      case "contains" -> Filter.Op.CONTAINS;
      case "matches" -> Filter.Op.MATCHES;
      default -> throw invalid(field + "[0]", "unknown filter operator '" + op
          + "'; use is, is_not, contains, matches, and, or, not");
    };
    if (array.size() != 3 && array.size() != 4) {
      throw invalid(field, "a condition is [operator, dimension, [values…]] with optional modifiers");
    }
    String name = string(array.getValue(1), field + "[1]");
    Dimension dimension = Dimension.parse(name)
        .orElseThrow(() -> invalid(field + "[1]", "unknown dimension '" + name + "'"));
    if (dimension.isTime()) {
      throw invalid(field + "[1]", "time dimensions cannot be filtered; use date_range");
    }
    JsonArray rawValues = array(array.getValue(2), field + "[2]");
    if (rawValues.isEmpty() || rawValues.size() > MAX_VALUES) {
      throw invalid(field + "[2]", "must hold between 1 and " + MAX_VALUES + " values");
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < rawValues.size(); i++) {
      String vf = field + "[2][" + i + "]";
      String v = string(rawValues.getValue(i), vf);
      if (v.length() > MAX_VALUE_LENGTH) {
        throw invalid(vf, "longer than " + MAX_VALUE_LENGTH + " characters");
      }
      values.add(v);
    }
    boolean caseSensitive = true;
    if (array.size() == 4) {
      String mf = field + "[3]";
      if (!(array.getValue(3) instanceof JsonObject modifiers)) {
        throw invalid(mf, "modifiers must be an object like {\"case_sensitive\": false}");
      }
      for (String key : modifiers.fieldNames()) {
        if (!key.equals("case_sensitive")) {
          throw invalid(mf + "." + key, "unknown modifier");
        }
      }
      Object cs = modifiers.getValue("case_sensitive");
      if (!(cs instanceof Boolean b)) {
        throw invalid(mf + ".case_sensitive", "must be true or false");
      }
      caseSensitive = b;
    }
    return new Filter.Condition(parsedOp, dimension, values, caseSensitive);
  }

  private static Include include(Object raw) {
    if (raw == null) {
      return Include.NONE;
    }
    if (!(raw instanceof JsonObject obj)) {
      throw invalid("include", "must be an object");
    }
    boolean timeLabels = false;
    boolean totalRows = false;
    boolean totals = false;
    boolean imports = false;
    ComparisonMode comparison = null;
    DateRangeSpec.Dates comparisonDates = null;
    for (Map.Entry<String, Object> e : obj) {
      String field = "include." + e.getKey();
      switch (e.getKey()) {
        case "time_labels" -> timeLabels = bool(e.getValue(), field);
        case "total_rows" -> totalRows = bool(e.getValue(), field);
        case "totals" -> totals = bool(e.getValue(), field);
        case "comparisons" -> {
          comparison = comparison(e.getValue(), field);
          if (comparison == ComparisonMode.CUSTOM) {
            comparisonDates = comparisonDates(((JsonObject) e.getValue()).getValue("date_range"), field + ".date_range");
          }
        }
        case "imports" -> imports = bool(e.getValue(), field);
        default -> throw invalid(field, "unknown field");
      }
    }
    return new Include(timeLabels, totalRows, totals, comparison, comparisonDates, imports);
  }

  private static ComparisonMode comparison(Object raw, String field) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof JsonObject obj)) {
      throw invalid(field, "must be an object like {\"mode\": \"previous_period\"}");
    }
    String mode = string(obj.getValue("mode"), field + ".mode");
    for (String key : obj.fieldNames()) {
      if (!key.equals("mode") && !(key.equals("date_range") && mode.equals("custom"))) {
        throw invalid(field + "." + key, "unknown field");
      }
    }
    return switch (mode) {
      case "previous_period" -> ComparisonMode.PREVIOUS_PERIOD;
      case "year_over_year" -> ComparisonMode.YEAR_OVER_YEAR;
      case "custom" -> ComparisonMode.CUSTOM;
      default -> throw invalid(field + ".mode", "unknown mode '" + mode
          + "'; use previous_period, year_over_year or custom");
    };
  }

  /** A custom comparison's {@code [from, to]}: two dates, as Plausible's API takes them. */
  private static DateRangeSpec.Dates comparisonDates(Object raw, String field) {
    if (raw == null) {
      throw invalid(field, "required with mode 'custom'");
    }
    if (!(raw instanceof JsonArray array) || array.size() != 2
        || !(array.getValue(0) instanceof String from && from.length() == 10)
        || !(array.getValue(1) instanceof String to && to.length() == 10)) {
      throw invalid(field, "must be a [from, to] array of two dates (YYYY-MM-DD)");
    }
    return (DateRangeSpec.Dates) dateRange(raw, field);
  }

  private static Pagination pagination(Object raw) {
    if (raw == null) {
      return Pagination.DEFAULT;
    }
    if (!(raw instanceof JsonObject obj)) {
      throw invalid("pagination", "must be an object like {\"limit\": 10, \"offset\": 0}");
    }
    int limit = Pagination.MAX_LIMIT;
    int offset = 0;
    for (Map.Entry<String, Object> e : obj) {
      String field = "pagination." + e.getKey();
      switch (e.getKey()) {
        case "limit" -> limit = integer(e.getValue(), field, 1, Pagination.MAX_LIMIT);
        case "offset" -> offset = integer(e.getValue(), field, 0, MAX_OFFSET);
        default -> throw invalid(field, "unknown field");
      }
    }
    return new Pagination(limit, offset);
  }

  private static List<OrderBy> orderBy(Object raw, List<Metric> metrics, List<Dimension> dimensions) {
    List<OrderBy> orderBy = new ArrayList<>();
    if (raw == null) {
      return orderBy;
    }
    JsonArray array = array(raw, "order_by");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String field = "order_by[" + i + "]";
      if (!(array.getValue(i) instanceof JsonArray pair) || pair.size() != 2) {
        throw invalid(field, "must be [metric or dimension, \"asc\" | \"desc\"]");
      }
      String name = string(pair.getValue(0), field + "[0]");
      boolean known = metrics.stream().anyMatch(m -> m.apiName().equals(name))
          || dimensions.stream().anyMatch(d -> d.name().equals(name));
      if (!known) {
        throw invalid(field + "[0]", "'" + name + "' is not a metric or dimension of this query");
      }
      if (!seen.add(name)) {
        throw invalid(field + "[0]", "'" + name + "' is ordered by twice");
      }
      String dir = string(pair.getValue(1), field + "[1]").toLowerCase(Locale.ROOT);
      if (!dir.equals("asc") && !dir.equals("desc")) {
        throw invalid(field + "[1]", "must be \"asc\" or \"desc\"");
      }
      orderBy.add(new OrderBy(name, dir.equals("desc")));
    }
    return orderBy;
  }

  private static String requiredString(JsonObject body, String field) {
    Object raw = body.getValue(field);
    if (raw == null) {
      throw invalid(field, "required");
    }
    String s = string(raw, field);
    if (s.isBlank() || s.length() > 255) {
      throw invalid(field, "must be a non-empty string of at most 255 characters");
    }
    return s;
  }

  private static String string(Object raw, String field) {
    if (!(raw instanceof String s)) {
      throw invalid(field, "must be a string");
    }
    // A NUL cannot be stored by either store; rejecting it keeps literals simple.
    if (s.indexOf('\0') >= 0) {
      throw invalid(field, "must not contain NUL characters");
    }
    return s;
  }

  private static JsonArray array(Object raw, String field) {
    if (!(raw instanceof JsonArray a)) {
      throw invalid(field, "must be an array");
    }
    return a;
  }

  private static boolean bool(Object raw, String field) {
    if (!(raw instanceof Boolean b)) {
      throw invalid(field, "must be true or false");
    }
    return b;
  }

  private static int integer(Object raw, String field, int min, int max) {
    if (!(raw instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() < min || n.doubleValue() > max) {
      throw invalid(field, "must be an integer between " + min + " and " + max);
    }
    return n.intValue();
  }

  static HttpFailure invalid(String field, String message) {
    return new HttpFailure(400, "invalid_query", field + ": " + message,
        new JsonObject().put("field", field));
  }
}

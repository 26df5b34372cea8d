package io.trackflow.query.stats;

import io.trackflow.core.event.Event;
import io.trackflow.core.testdata.ReferenceSessions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Computes what the stats API must answer, in plain Java over the raw events and the raw request
 * JSON, from docs/stats.md's definitions written out a second time: no SQL and none of the
 * production query classes (not the parser's {@code Query}, not the resolved {@code DateRange},
 * not the result shaper's order). Sessions come from {@link ReferenceSessions}.
 *
 * <ul>
 *   <li>Events: each event id once; the site's events in [from, to); engagement pings ignored.
 *   <li>A session: all the site's events of one session id, wherever they fall. It belongs to the
 *       range in which it starts (its earliest event). Its visit attributes are those of the event
 *       that started it; entry/exit page: its earliest/latest pageview's path.
 *   <li>Bounced: at most one pageview and no interactive event other than pageviews.
 *   <li>With an event dimension every metric counts events: those that match the event filters
 *       and whose session matches the visit filters. Otherwise pageviews and events count such
 *       events, and visitors, visits and the session metrics count sessions started in the range
 *       that match the visit filters and hold at least one such event in the range.
 *   <li>Ranges: resolved here in the site's zone from the request's {@code date_range}.
 *   <li>A goal: a top-level condition (not inside and/or/not) on {@code event:name} or
 *       {@code event:page}.
 *   <li>Order: {@code order_by}, else the time dimension ascending and the first metric
 *       descending; then every dimension ascending by code point, which is UTF-8 byte order.
 * </ul>
 */
final class StatsOracle {

  /** Rows per page when the request names no limit. */
  static final int DEFAULT_LIMIT = 10_000;

  private final List<Event> events;
  private final Map<String, Map<Long, Session>> sessionsBySite = new HashMap<>();

  StatsOracle(List<Event> raw) {
    Map<Long, Event> unique = new LinkedHashMap<>();
    raw.forEach(e -> unique.putIfAbsent(e.eventId(), e));
    this.events = List.copyOf(unique.values());
  }

  /** A session as the definitions need it, taken once from the reference rules. */
  record Session(long id, long visitor, Event first, long startMs, long endMs, String entry,
      String exit, int pageviews, boolean bounced, List<Event> events) {}

  /** Instants [from, to), and the local bounds they were made from, which comparisons shift. */
  record Range(Instant from, Instant to, LocalDateTime localFrom, LocalDateTime localTo, boolean wholeDays) {

    /** The first and the last second of the range, as the API echoes them. */
    Instant lastSecond() {
      return to.minusSeconds(1);
    }
  }

  /** One result line: its dimension values and metric values. */
  record Row(List<String> dimensions, List<?> metrics) {}

  // ---------------------------------------------------------------------------------------
  // The request

  static List<String> metrics(JsonObject request) {
    return strings(request.getJsonArray("metrics"));
  }

  static List<String> dimensions(JsonObject request) {
    return strings(request.getJsonArray("dimensions", new JsonArray()));
  }

  static int limit(JsonObject request) {
    return request.getJsonObject("pagination", new JsonObject()).getInteger("limit", DEFAULT_LIMIT);
  }

  static int offset(JsonObject request) {
    return request.getJsonObject("pagination", new JsonObject()).getInteger("offset", 0);
  }

  private static List<JsonArray> filters(JsonObject request) {
    List<JsonArray> filters = new ArrayList<>();
    request.getJsonArray("filters", new JsonArray()).forEach(f -> filters.add((JsonArray) f));
    return filters;
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().map(String.class::cast).toList();
  }

  private static boolean isTime(String dimension) {
    return dimension.startsWith("time:");
  }

  private static boolean isVisit(String dimension) {
    return dimension.startsWith("visit:");
  }

  // ---------------------------------------------------------------------------------------
  // Date ranges, in the site's zone

  /** The request's {@code date_range} in the site's zone, with today taken from {@code now}. */
  Range range(JsonObject request, String site, ZoneId zone, Instant now) {
    LocalDate today = now.atZone(zone).toLocalDate();
    Object spec = request.getValue("date_range");
    if (spec instanceof JsonArray pair) {
      String from = pair.getString(0);
      String to = pair.getString(1);
      if (from.length() == 10) {
        return days(zone, LocalDate.parse(from), LocalDate.parse(to));
      }
      // Date-times: both included to the second; without an offset, read in the site's zone.
      Instant start = instant(from, zone);
      Instant end = instant(to, zone).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
      return new Range(start, end, LocalDateTime.ofInstant(start, zone), LocalDateTime.ofInstant(end, zone), false);
    }
    LocalDate firstOfMonth = today.withDayOfMonth(1);
    LocalDate lastOfMonth = firstOfMonth.plusMonths(1).minusDays(1);
    return switch ((String) spec) {
      case "day" -> days(zone, today, today);
      case "7d" -> days(zone, today.minusDays(6), today);
      case "30d" -> days(zone, today.minusDays(29), today);
      case "month" -> days(zone, firstOfMonth, lastOfMonth);
      case "6mo" -> days(zone, firstOfMonth.minusMonths(5), lastOfMonth);
      case "12mo" -> days(zone, firstOfMonth.minusMonths(11), lastOfMonth);
      case "year" -> days(zone, LocalDate.of(today.getYear(), 1, 1), LocalDate.of(today.getYear(), 12, 31));
      case "all" -> {
        LocalDate first = firstDay(site, zone);
        yield days(zone, first == null || first.isAfter(today) ? today : first, today);
      }
      default -> throw new IllegalArgumentException("unknown range " + spec);
    };
  }

  /**
   * The period the request compares with, or null: {@code previous_period} is as many days (for
   * date-times: as much local time) just before; {@code year_over_year} the same local dates
   * (date-times) a year earlier; {@code custom} the dates it names. A calendar period still running
   * at {@code now} (day, month, year, 6mo, 12mo) compares only its elapsed part, to the minute: the
   * period one calendar length earlier, as far into it as now is into this one (no further than
   * where this one starts), or a year before for {@code year_over_year}.
   */
  Range comparisonRange(JsonObject request, Range range, ZoneId zone, Instant now) {
    JsonObject comparisons = request.getJsonObject("include", new JsonObject()).getJsonObject("comparisons");
    if (comparisons == null) {
      return null;
    }
    String mode = comparisons.getString("mode");
    if (mode.equals("custom")) {
      JsonArray dates = comparisons.getJsonArray("date_range");
      return days(zone, LocalDate.parse(dates.getString(0)), LocalDate.parse(dates.getString(1)));
    }
    Object spec = request.getValue("date_range");
    boolean running = spec instanceof String name && List.of("day", "month", "year", "6mo", "12mo").contains(name)
        && !now.isBefore(range.from()) && now.isBefore(range.to());
    if (running) {
      LocalDateTime nowLocal = LocalDateTime.ofInstant(now, zone).withSecond(0).withNano(0);
      LocalDateTime elapsedTo = nowLocal.isAfter(range.localFrom()) ? nowLocal : range.localFrom().plusMinutes(1);
      if (mode.equals("year_over_year")) {
        return local(zone, range.localFrom().minusYears(1), elapsedTo.minusYears(1));
      }
      LocalDateTime from = switch ((String) spec) {
        case "day" -> range.localFrom().minusDays(1);
        case "month" -> range.localFrom().minusMonths(1);
        case "year" -> range.localFrom().minusYears(1);
        case "6mo" -> range.localFrom().minusMonths(6);
        default -> range.localFrom().minusMonths(12);
      };
      LocalDateTime to = from.plusSeconds(ChronoUnit.SECONDS.between(range.localFrom(), elapsedTo));
      return local(zone, from, to.isBefore(range.localFrom()) ? to : range.localFrom());
    }
    return switch (mode) {
      case "previous_period" -> {
        if (range.wholeDays()) {
          long days = ChronoUnit.DAYS.between(range.localFrom(), range.localTo());
          LocalDate first = range.localFrom().toLocalDate().minusDays(days);
          yield days(zone, first, range.localFrom().toLocalDate().minusDays(1));
        }
        Duration length = Duration.between(range.localFrom(), range.localTo());
        yield local(zone, range.localFrom().minus(length), range.localFrom());
      }
      case "year_over_year" -> {
        if (range.wholeDays()) {
          LocalDate last = range.localTo().toLocalDate().minusDays(1);
          yield days(zone, range.localFrom().toLocalDate().minusYears(1), last.minusYears(1));
        }
        // Both ends included to the second: the last second moves back a year.
        yield local(zone, range.localFrom().minusYears(1), range.localTo().minusSeconds(1).minusYears(1).plusSeconds(1));
      }
      default -> throw new IllegalArgumentException(comparisons.encode());
    };
  }

  private static Range days(ZoneId zone, LocalDate first, LocalDate last) {
    return new Range(first.atStartOfDay(zone).toInstant(), last.plusDays(1).atStartOfDay(zone).toInstant(),
        first.atStartOfDay(), last.plusDays(1).atStartOfDay(), true);
  }

  private static Range local(ZoneId zone, LocalDateTime from, LocalDateTime to) {
    return new Range(from.atZone(zone).toInstant(), to.atZone(zone).toInstant(), from, to, false);
  }

  private static Instant instant(String dateTime, ZoneId zone) {
    try {
      return OffsetDateTime.parse(dateTime).toInstant();
    } catch (DateTimeParseException noOffset) {
      return LocalDateTime.parse(dateTime).atZone(zone).toInstant();
    }
  }

  /** The local day of the site's first stored event (of any kind), or null without events. */
  private LocalDate firstDay(String site, ZoneId zone) {
    return events.stream().filter(e -> e.site().equals(site)).mapToLong(Event::timestampMillis).min()
        .stream().mapToObj(ms -> Instant.ofEpochMilli(ms).atZone(zone).toLocalDate()).findFirst().orElse(null);
  }

  // ---------------------------------------------------------------------------------------
  // Order

  /** The order results must come in. */
  static Comparator<Row> order(JsonObject request) {
    List<String> metrics = metrics(request);
    List<String> dimensions = dimensions(request);
    List<JsonArray> order = new ArrayList<>();
    request.getJsonArray("order_by", new JsonArray()).forEach(o -> order.add((JsonArray) o));
    if (order.isEmpty()) {
      dimensions.stream().filter(StatsOracle::isTime).forEach(t -> order.add(new JsonArray().add(t).add("asc")));
      order.add(new JsonArray().add(metrics.get(0)).add("desc"));
    }
    Comparator<Row> result = (a, b) -> 0;
    Set<String> ordered = new HashSet<>();
    for (JsonArray o : order) {
      String field = o.getString(0);
      ordered.add(field);
      Comparator<Row> c = dimensions.contains(field)
          ? byDimension(dimensions.indexOf(field))
          : Comparator.comparing((Row r) -> new BigDecimal(r.metrics().get(metrics.indexOf(field)).toString()));
      result = result.thenComparing(o.getString(1).equalsIgnoreCase("desc") ? c.reversed() : c);
    }
    for (int i = 0; i < dimensions.size(); i++) {
      if (!ordered.contains(dimensions.get(i))) {
        result = result.thenComparing(byDimension(i));
      }
    }
    return result;
  }

  /** Ascending by code point: the unsigned byte order of UTF-8, which both stores sort by. */
  private static Comparator<Row> byDimension(int index) {
    return (a, b) -> Arrays.compareUnsigned(a.dimensions().get(index).getBytes(StandardCharsets.UTF_8),
        b.dimensions().get(index).getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------------------------------
  // Metrics

  /** Expected metric values per dimension values for the request over the range. */
  Map<List<String>, List<Object>> answer(JsonObject request, String site, ZoneId zone, Range range) {
    long from = range.from().toEpochMilli();
    long to = range.to().toEpochMilli();
    List<String> metricNames = metrics(request);
    List<String> dims = dimensions(request);
    List<JsonArray> filters = filters(request);
    List<JsonArray> withoutGoals = filters.stream().filter(f -> !isGoal(f)).toList();
    List<Event> inRange = events.stream()
        .filter(e -> e.site().equals(site))
        .filter(e -> e.timestampMillis() >= from && e.timestampMillis() < to)
        .filter(e -> !e.name().equals("engagement"))
        .toList();
    Map<Long, Session> sessions = sessionsBySite.computeIfAbsent(site, this::sessions);
    boolean eventDims = dims.stream().anyMatch(d -> !isTime(d) && !isVisit(d));

    // Event side: events of the range that match.
    Map<List<String>, Set<Long>> eventVisitors = new HashMap<>();
    Map<List<String>, Set<Long>> eventVisits = new HashMap<>();
    Map<List<String>, Long> pageviews = new HashMap<>();
    Map<List<String>, Long> eventCounts = new HashMap<>();
    Map<List<String>, Set<Long>> eventBase = new HashMap<>();
    Set<Long> allEventVisitors = new HashSet<>();
    for (Event e : inRange) {
      Session s = sessions.get(e.sessionId());
      List<String> key = key(dims, e, s, zone, false);
      if (matches(withoutGoals, e, s)) {
        eventBase.computeIfAbsent(key, k -> new HashSet<>()).add(e.visitorId());
      }
      if (!matches(filters, e, s)) {
        continue;
      }
      allEventVisitors.add(e.visitorId());
      eventVisitors.computeIfAbsent(key, k -> new HashSet<>()).add(e.visitorId());
      eventVisits.computeIfAbsent(key, k -> new HashSet<>()).add(e.sessionId());
      pageviews.merge(key, e.name().equals("pageview") ? 1L : 0L, Long::sum);
      eventCounts.merge(key, 1L, Long::sum);
    }

    // Session side: sessions started in the range that match.
    Map<List<String>, long[]> sessionAggs = new HashMap<>(); // sessions, bounces, duration, pageviews
    Map<List<String>, Set<Long>> sessionVisitors = new HashMap<>();
    Map<List<String>, Set<Long>> sessionBase = new HashMap<>();
    Set<Long> allSessionVisitors = new HashSet<>();
    for (Session s : sessions.values()) {
      if (s.startMs() < from || s.startMs() >= to) {
        continue;
      }
      List<String> key = key(dims, s.first(), s, zone, true);
      if (startedAndMatched(withoutGoals, s, from, to)) {
        sessionBase.computeIfAbsent(key, k -> new HashSet<>()).add(s.visitor());
      }
      if (!startedAndMatched(filters, s, from, to)) {
        continue;
      }
      allSessionVisitors.add(s.visitor());
      sessionVisitors.computeIfAbsent(key, k -> new HashSet<>()).add(s.visitor());
      long[] a = sessionAggs.computeIfAbsent(key, k -> new long[4]);
      a[0]++;
      a[1] += s.bounced() ? 1 : 0;
      a[2] += s.endMs() - s.startMs();
      a[3] += s.pageviews();
    }

    Map<List<String>, Set<Long>> visitors = eventDims ? eventVisitors : sessionVisitors;
    Map<List<String>, Set<Long>> base = eventDims ? eventBase : sessionBase;
    Set<Long> allVisitors = eventDims ? allEventVisitors : allSessionVisitors;
    // Groups: those of every statement the query needs.
    Set<String> eventMetrics = Set.of("pageviews", "events");
    boolean eventSide = eventDims || metricNames.stream().anyMatch(eventMetrics::contains);
    boolean sessionSide = !eventDims && metricNames.stream().anyMatch(m -> !eventMetrics.contains(m));
    Set<List<String>> keys = new HashSet<>();
    if (eventSide) {
      keys.addAll(eventVisitors.keySet());
    }
    if (sessionSide) {
      keys.addAll(sessionAggs.keySet());
    }
    Map<List<String>, List<Object>> answer = new HashMap<>();
    for (List<String> key : keys) {
      long[] a = sessionAggs.getOrDefault(key, new long[4]);
      long v = visitors.getOrDefault(key, Set.of()).size();
      List<Object> values = new ArrayList<>();
      for (String m : metricNames) {
        values.add(switch (m) {
          case "visitors" -> v;
          case "visits" -> eventDims ? (long) eventVisits.getOrDefault(key, Set.of()).size() : a[0];
          case "pageviews" -> pageviews.getOrDefault(key, 0L);
          case "events" -> eventCounts.getOrDefault(key, 0L);
          case "bounce_rate" -> a[0] == 0 ? 0L : div(100L * a[1], a[0], 0).longValue();
          case "visit_duration" -> a[0] == 0 ? 0L : div(a[2], a[0] * 1000L, 0).longValue();
          case "views_per_visit" -> a[0] == 0 ? 0.0 : div(a[3], a[0], 2).doubleValue();
          case "percentage" -> allVisitors.isEmpty() ? 0.0 : div(100L * v, allVisitors.size(), 1).doubleValue();
          case "conversion_rate" -> {
            long b = base.getOrDefault(key, Set.of()).size();
            yield b == 0 ? 0.0 : div(100L * v, b, 2).doubleValue();
          }
          default -> throw new IllegalArgumentException(m);
        });
      }
      answer.put(key, values);
    }
    return answer;
  }

  /** A goal: a top-level condition on the event name or page. */
  private static boolean isGoal(JsonArray filter) {
    return List.of("is", "is_not", "contains", "matches").contains(filter.getString(0))
        && List.of("event:name", "event:page").contains(filter.getString(1));
  }

  /** An event matches when it passes the event filters and its session the visit filters. */
  private static boolean matches(List<JsonArray> filters, Event e, Session s) {
    return passesVisit(filters, s) && passesEvent(filters, e, s);
  }

  /** A session counts when it passes the visit filters and has a matching event in the range. */
  private static boolean startedAndMatched(List<JsonArray> filters, Session s, long from, long to) {
    if (!passesVisit(filters, s)) {
      return false;
    }
    if (filters.stream().noneMatch(StatsOracle::eventLevel)) {
      return true;
    }
    return s.events().stream().anyMatch(e -> e.timestampMillis() >= from && e.timestampMillis() < to
        && passesEvent(filters, e, s));
  }

  private static BigDecimal div(long num, long den, int scale) {
    return new BigDecimal(num).divide(new BigDecimal(den), scale, RoundingMode.HALF_UP);
  }

  /** Every session of the site, by the reference rules (engagement pings count in none). */
  private Map<Long, Session> sessions(String site) {
    Map<Long, Session> sessions = new HashMap<>();
    List<Event> ofSite = events.stream().filter(e -> e.site().equals(site)).toList();
    ReferenceSessions.byId(ofSite).values().forEach(r -> sessions.put(r.id(), new Session(r.id(),
        r.first().visitorId(), r.first(), r.start(), r.end(), r.entryPage(), r.exitPage(), r.pageviews(),
        r.bounced(), r.counted())));
    return sessions;
  }

  private static List<String> key(List<String> dims, Event e, Session s, ZoneId zone, boolean sessionTime) {
    List<String> key = new ArrayList<>();
    for (String d : dims) {
      if (isTime(d)) {
        long ms = sessionTime ? s.startMs() : e.timestampMillis();
        key.add(timeLabel(d, Instant.ofEpochMilli(ms).atZone(zone)));
      } else if (isVisit(d)) {
        key.add(visitValue(d, s));
      } else {
        key.add(eventValue(d, e));
      }
    }
    return key;
  }

  static String timeLabel(String dimension, ZonedDateTime t) {
    LocalDateTime local = t.toLocalDateTime();
    return switch (dimension) {
      case "time:hour" -> String.format(Locale.ROOT, "%04d-%02d-%02d %02d:00:00",
          local.getYear(), local.getMonthValue(), local.getDayOfMonth(), local.getHour());
      case "time:day" -> local.toLocalDate().toString();
      case "time:week" -> local.toLocalDate().minusDays(local.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue()).toString();
      case "time:month" -> String.format(Locale.ROOT, "%04d-%02d-01", local.getYear(), local.getMonthValue());
      default -> throw new IllegalArgumentException(dimension);
    };
  }

  static String eventValue(String dimension, Event e) {
    if (dimension.startsWith("event:props:")) {
      String v = e.prop(dimension.substring("event:props:".length()));
      return v == null ? "(none)" : v;
    }
    return switch (dimension) {
      case "event:page" -> e.pathname();
      case "event:name" -> e.name();
      case "event:hostname" -> e.hostname();
      case "event:screen_size" -> e.screenSize().isEmpty() ? emptyLabel(dimension) : e.screenSize();
      default -> throw new IllegalArgumentException(dimension);
    };
  }

  /** Plausible's answers name empty visit attributes: direct traffic, attributes not set. */
  static String emptyLabel(String dimension) {
    return switch (dimension) {
      case "visit:source", "visit:referrer" -> "Direct / None";
      case "visit:utm_source", "visit:utm_medium", "visit:utm_campaign", "visit:utm_term",
          "visit:utm_content", "visit:device", "visit:browser", "visit:browser_version", "visit:os",
          "visit:os_version", "event:screen_size" -> "(not set)";
      default -> null;
    };
  }

  static String visitValue(String name, Session s) {
    String stored = storedVisitValue(name, s);
    String label = emptyLabel(name);
    return stored.isEmpty() && label != null ? label : stored;
  }

  private static String storedVisitValue(String name, Session s) {
    Event f = s.first();
    return switch (name) {
      case "visit:entry_page" -> s.entry();
      case "visit:exit_page" -> s.exit();
      case "visit:source" -> f.referrerSource();
      case "visit:referrer" -> f.referrer();
      case "visit:utm_source" -> f.utmSource();
      case "visit:utm_medium" -> f.utmMedium();
      case "visit:utm_campaign" -> f.utmCampaign();
      case "visit:utm_term" -> f.utmTerm();
      case "visit:utm_content" -> f.utmContent();
      case "visit:country" -> f.country();
      case "visit:device" -> f.device();
      case "visit:browser" -> f.browser();
      case "visit:browser_version" -> f.browserVersion();
      case "visit:os" -> f.os();
      case "visit:os_version" -> f.osVersion();
      default -> throw new IllegalArgumentException(name);
    };
  }

  // ---------------------------------------------------------------------------------------
  // Filters, read from their JSON arrays

  /** True when every condition of the filter is on an event dimension. */
  private static boolean eventLevel(JsonArray filter) {
    return switch (filter.getString(0)) {
      case "and", "or" -> children(filter).stream().allMatch(StatsOracle::eventLevel);
      case "not" -> eventLevel(filter.getJsonArray(1));
      default -> !isVisit(filter.getString(1));
    };
  }

  private static List<JsonArray> children(JsonArray filter) {
    List<JsonArray> children = new ArrayList<>();
    filter.getJsonArray(1).forEach(c -> children.add((JsonArray) c));
    return children;
  }

  private static boolean passesVisit(List<JsonArray> filters, Session s) {
    return filters.stream().filter(f -> !eventLevel(f)).allMatch(f -> test(f, null, s));
  }

  private static boolean passesEvent(List<JsonArray> filters, Event e, Session s) {
    return filters.stream().filter(StatsOracle::eventLevel).allMatch(f -> test(f, e, s));
  }

  private static boolean test(JsonArray filter, Event e, Session s) {
    return switch (filter.getString(0)) {
      case "and" -> children(filter).stream().allMatch(c -> test(c, e, s));
      case "or" -> children(filter).stream().anyMatch(c -> test(c, e, s));
      case "not" -> !test(filter.getJsonArray(1), e, s);
      default -> {
        String dimension = filter.getString(1);
        yield condition(filter, isVisit(dimension) ? visitValue(dimension, s) : eventValue(dimension, e));
      }
    };
  }

  /** {@code [op, dimension, [values], {"case_sensitive": bool}?]} against the dimension's value. */
  private static boolean condition(JsonArray c, String value) {
    boolean cs = c.size() < 4 || c.getJsonObject(3).getBoolean("case_sensitive", true);
    String v = cs ? value : value.toLowerCase(Locale.ROOT);
    List<String> values = strings(c.getJsonArray(2)).stream().map(x -> cs ? x : x.toLowerCase(Locale.ROOT)).toList();
    String label = emptyLabel(c.getString(1));
    String empty = label == null ? "" : cs ? label : label.toLowerCase(Locale.ROOT);
    // An exact filter on "" means the empty value, which answers show as the label.
    List<String> exact = values.stream().map(x -> x.isEmpty() ? empty : x).toList();
    return switch (c.getString(0)) {
      case "is" -> exact.contains(v);
      case "is_not" -> !exact.contains(v);
      case "contains" -> values.stream().anyMatch(v::contains);
      case "matches" -> values.stream().anyMatch(x -> glob(x, v));
      default -> throw new IllegalArgumentException(c.encode());
    };
  }

  /** Wildcard match by dynamic programming: '*' is any run of characters, all else literal. */
  static boolean glob(String pattern, String value) {
    int[] p = pattern.codePoints().toArray();
    int[] s = value.codePoints().toArray();
    boolean[][] ok = new boolean[p.length + 1][s.length + 1];
    ok[0][0] = true;
    for (int i = 1; i <= p.length; i++) {
      ok[i][0] = ok[i - 1][0] && p[i - 1] == '*';
      for (int j = 1; j <= s.length; j++) {
        ok[i][j] = p[i - 1] == '*' ? ok[i - 1][j] || ok[i][j - 1] : ok[i - 1][j - 1] && p[i - 1] == s[j - 1];
      }
    }
    return ok[p.length][s.length];
  }
}

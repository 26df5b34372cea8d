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
import java.util.LinkedHashSet;
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
 *   <li>A goal: a top-level condition (not inside and/or/not) on {@code event:goal},
 *       {@code event:name} or {@code event:page}.
 *   <li>Configured goals (given per site as the API's JSON): an event converts an event goal by
 *       its name, a page goal when it is a pageview of a path the pattern matches; one event may
 *       convert several. {@code event:goal} groups conversions by goal name; a filter on it
 *       selects goals by name and keeps the events converting one of them ({@code is_not}: none).
 *       A conversion rate divides by the visitors of the group's other dimensions than
 *       event:goal and event:props:*, without the goal filters and top-level property conditions.
 *   <li>Revenue ({@code total_revenue}, {@code average_revenue}): read in a goal's currency. With
 *       event:goal a group sums the revenue of its events that carry the group's goal's currency
 *       (none for a goal without one); otherwise the revenue goals every top-level event:goal
 *       condition (but is_not) selects must share one currency, and the group sums the revenue
 *       in it of its events converting one of them. The total is the exact sum with at least
 *       the currency's minor digits, the average divides it by the number of events summed,
 *       half-up to the minor digits; both {@code {"value", "currency"}}, null without a
 *       currency. Revenue goals' conversions in another currency are left out and counted.
 *   <li>Engagement ({@code scroll_depth}, {@code time_on_page}): the range's engagement pings that
 *       pass the filters, per group and visit (session id) the deepest scroll and the summed
 *       engaged milliseconds, averaged over those visits (seconds for time), half-up; null where
 *       no ping was. They fill the groups the other metrics find, or make the groups when they
 *       are all the query asks. A ping outside every session has no entry or exit page.
 *   <li>Order: {@code order_by}, else the time dimension ascending and the first metric
 *       descending (a null orders below every number); then every dimension ascending by code
 *       point, which is UTF-8 byte order.
 * </ul>
 */
final class StatsOracle {

  /** Rows per page when the request names no limit. */
  static final int DEFAULT_LIMIT = 10_000;

  private final List<Event> events;
  private final Map<String, Map<Long, Session>> sessionsBySite = new HashMap<>();
  private final Map<String, JsonArray> goalsBySite = new HashMap<>();

  StatsOracle(List<Event> raw) {
    Map<Long, Event> unique = new LinkedHashMap<>();
    raw.forEach(e -> unique.putIfAbsent(e.eventId(), e));
    this.events = List.copyOf(unique.values());
  }

  /** The site's goals: {@code [{"display_name", "event_name" | "page_path", "currency"?}, …]}. */
  StatsOracle withGoals(String site, JsonArray goals) {
    goalsBySite.put(site, goals.copy());
    return this;
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
          : Comparator.comparing((Row r) -> r.metrics().get(metrics.indexOf(field)) == null ? null
              : new BigDecimal(r.metrics().get(metrics.indexOf(field)).toString()),
              Comparator.nullsFirst(Comparator.naturalOrder()));
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
    // A conversion rate's base: without the goals and the top-level property conditions.
    List<JsonArray> withoutGoals = filters.stream()
        .filter(f -> !isGoal(f) && !(f.size() >= 3 && f.getValue(1) instanceof String d && d.startsWith("event:props:")))
        .toList();
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
    Map<List<String>, BigDecimal> revenueSums = new HashMap<>();
    Map<List<String>, Long> revenueCounts = new HashMap<>();
    boolean asksRevenue = metricNames.stream().anyMatch(m -> m.endsWith("_revenue"));
    Set<Long> allEventVisitors = new HashSet<>();
    List<String> baseDims = dims.stream().filter(d -> !outsideBase(d)).toList();
    for (Event e : inRange) {
      Session s = sessions.get(e.sessionId());
      if (matches(site, withoutGoals, e, s)) {
        eventBase.computeIfAbsent(key(site, baseDims, e, s, zone, false).get(0), k -> new HashSet<>())
            .add(e.visitorId());
      }
      if (!matches(site, filters, e, s)) {
        continue;
      }
      allEventVisitors.add(e.visitorId());
      for (List<String> key : key(site, dims, e, s, zone, false)) {
        eventVisitors.computeIfAbsent(key, k -> new HashSet<>()).add(e.visitorId());
        eventVisits.computeIfAbsent(key, k -> new HashSet<>()).add(e.sessionId());
        pageviews.merge(key, e.name().equals("pageview") ? 1L : 0L, Long::sum);
        eventCounts.merge(key, 1L, Long::sum);
        if (asksRevenue && revenueCounted(site, request, key, e)) {
          revenueSums.merge(key, BigDecimal.valueOf(e.revenueMicros(), 6), BigDecimal::add);
          revenueCounts.merge(key, 1L, Long::sum);
        }
      }
    }

    // Session side: sessions started in the range that match.
    Map<List<String>, long[]> sessionAggs = new HashMap<>(); // sessions, bounces, duration, pageviews
    Map<List<String>, Set<Long>> sessionVisitors = new HashMap<>();
    Map<List<String>, Set<Long>> sessionBase = new HashMap<>();
    Set<Long> allSessionVisitors = new HashSet<>();
    // With an event dimension every metric counts events; sessions are not grouped at all.
    for (Session s : eventDims ? List.<Session>of() : sessions.values()) {
      if (s.startMs() < from || s.startMs() >= to) {
        continue;
      }
      List<String> key = key(site, dims, s.first(), s, zone, true).get(0);
      if (startedAndMatched(site, withoutGoals, s, from, to)) {
        sessionBase.computeIfAbsent(key, k -> new HashSet<>()).add(s.visitor());
      }
      if (!startedAndMatched(site, filters, s, from, to)) {
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
    // Engagement side: per group, per visit, the deepest scroll and the engaged time of the
    // range's pings that match.
    Map<List<String>, Map<Long, long[]>> engagement = new HashMap<>();
    for (Event e : events) {
      if (!e.site().equals(site) || !e.name().equals("engagement") || e.timestampMillis() < from
          || e.timestampMillis() >= to) {
        continue;
      }
      Session s = sessions.getOrDefault(e.sessionId(), orphan(e));
      if (s.entry() == null && dims.stream().anyMatch(StatsOracle::namesSessionPage)) {
        continue;
      }
      if (!matches(site, filters, e, s)) {
        continue;
      }
      for (List<String> key : key(site, dims, e, s, zone, false)) {
        long[] visit = engagement.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(e.sessionId(), k -> new long[2]);
        visit[0] = Math.max(visit[0], e.scrollDepth());
        visit[1] += e.engagementMillis();
      }
    }

    // Groups: those of every statement the query needs; engagement alone only when it is all
    // the query asks.
    Set<String> eventMetrics = Set.of("pageviews", "events", "total_revenue", "average_revenue");
    Set<String> engagementMetrics = Set.of("scroll_depth", "time_on_page");
    boolean eventSide = eventDims || metricNames.stream().anyMatch(eventMetrics::contains);
    boolean sessionSide = !eventDims && metricNames.stream()
        .anyMatch(m -> !eventMetrics.contains(m) && !engagementMetrics.contains(m));
    Set<List<String>> keys = new HashSet<>();
    if (metricNames.stream().allMatch(engagementMetrics::contains)) {
      keys.addAll(engagement.keySet());
    } else {
      if (eventSide) {
        keys.addAll(eventVisitors.keySet());
      }
      if (sessionSide) {
        keys.addAll(sessionAggs.keySet());
      }
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
          case "total_revenue", "average_revenue" -> money(revenueCurrency(site, request, key),
              revenueSums.getOrDefault(key, BigDecimal.ZERO), revenueCounts.getOrDefault(key, 0L),
              m.equals("average_revenue"));
          case "scroll_depth", "time_on_page" -> {
            Map<Long, long[]> visits = engagement.getOrDefault(key, Map.of());
            int field = m.equals("scroll_depth") ? 0 : 1;
            long sum = visits.values().stream().mapToLong(visit -> visit[field]).sum();
            yield visits.isEmpty() ? null : div(sum, visits.size() * (field == 0 ? 1L : 1000L), 0).longValue();
          }
          case "conversion_rate" -> {
            List<String> baseKey = new ArrayList<>();
            for (int i = 0; i < dims.size(); i++) {
              if (!outsideBase(dims.get(i))) {
                baseKey.add(key.get(i));
              }
            }
            long b = base.getOrDefault(baseKey, Set.of()).size();
            yield b == 0 ? 0.0 : div(100L * v, b, 2).doubleValue();
          }
          default -> throw new IllegalArgumentException(m);
        });
      }
      answer.put(key, values);
    }
    return answer;
  }

  /**
   * What a group without any matching event shows: zero counts, zero revenue where it has a
   * currency, no engagement (null).
   */
  List<Object> empty(JsonObject request, String site, List<String> key) {
    return metrics(request).stream().<Object>map(m -> switch (m) {
      case "total_revenue", "average_revenue" -> money(revenueCurrency(site, request, key), BigDecimal.ZERO, 0, false);
      case "scroll_depth", "time_on_page" -> null;
      default -> 0L;
    }).toList();
  }

  /**
   * A comparison's {@code change} per metric: the difference for the rates given in percent
   * (bounce_rate, percentage, conversion_rate); otherwise the change relative to the previous
   * value in whole percent, halves away from zero, 100 from a previous zero and 0 from zero to
   * zero; for revenue of the money values. Null where either value is.
   */
  static List<Object> change(List<String> metrics, List<?> current, List<?> previous) {
    List<Object> change = new ArrayList<>();
    for (int i = 0; i < metrics.size(); i++) {
      BigDecimal now = amount(current.get(i));
      BigDecimal before = amount(previous.get(i));
      if (now == null || before == null) {
        change.add(null);
      } else if (Set.of("bounce_rate", "percentage", "conversion_rate").contains(metrics.get(i))) {
        change.add(now.subtract(before));
      } else if (before.signum() == 0) {
        change.add(BigDecimal.valueOf(now.signum() == 0 ? 0 : 100));
      } else {
        change.add(now.subtract(before).multiply(BigDecimal.valueOf(100)).divide(before, 0, RoundingMode.HALF_UP));
      }
    }
    return change;
  }

  /** A metric value as a number: money by its {@code value}; null stays null. */
  private static BigDecimal amount(Object value) {
    return switch (value) {
      case null -> null;
      case JsonObject money -> new BigDecimal(money.getString("value"));
      case Map<?, ?> money -> new BigDecimal(String.valueOf(money.get("value")));
      default -> new BigDecimal(value.toString());
    };
  }

  /** The currency a group's revenue is read in, or null when it has none. */
  private String revenueCurrency(String site, JsonObject request, List<String> key) {
    int goalDimension = dimensions(request).indexOf("event:goal");
    if (goalDimension >= 0) {
      return goal(site, key.get(goalDimension)).getString("currency");
    }
    Set<String> currencies = new HashSet<>();
    revenueGoals(site, request).forEach(g -> currencies.add(g.getString("currency")));
    return currencies.size() == 1 ? currencies.iterator().next() : null;
  }

  /**
   * The revenue goals a request reads: with event:goal all the site's with a currency, else those
   * every top-level event:goal condition but is_not selects.
   */
  private List<JsonObject> revenueGoals(String site, JsonObject request) {
    List<JsonObject> goals = new ArrayList<>();
    for (Object o : goalsBySite.getOrDefault(site, new JsonArray())) {
      JsonObject goal = (JsonObject) o;
      if (goal.getString("currency") == null) {
        continue;
      }
      boolean selected = dimensions(request).contains("event:goal") || filters(request).stream()
          .filter(f -> f.getString(1).equals("event:goal") && !f.getString(0).equals("is_not"))
          .allMatch(f -> selectedGoals(site, f).contains(goal.getString("display_name")));
      if (selected) {
        goals.add(goal);
      }
    }
    return goals;
  }

  private JsonObject goal(String site, String displayName) {
    return goalsBySite.get(site).stream().map(JsonObject.class::cast)
        .filter(g -> g.getString("display_name").equals(displayName)).findFirst().orElseThrow();
  }

  /** True when the event's revenue counts in the group: in the group's currency, converting a goal read. */
  private boolean revenueCounted(String site, JsonObject request, List<String> key, Event e) {
    String currency = revenueCurrency(site, request, key);
    if (currency == null || !currency.equals(e.revenueCurrency())) {
      return false;
    }
    List<String> converted = conversions(site, e);
    return revenueGoals(site, request).stream().anyMatch(g -> converted.contains(g.getString("display_name")));
  }

  /**
   * The matching events of the range converting a revenue goal the request reads while carrying
   * revenue in another currency than that goal's: left out of the sums, counted in meta.
   */
  long revenueExcluded(JsonObject request, String site, Range range) {
    List<JsonArray> filters = filters(request);
    Map<Long, Session> sessions = sessionsBySite.computeIfAbsent(site, this::sessions);
    List<JsonObject> goals = revenueGoals(site, request);
    long excluded = 0;
    for (Event e : events) {
      if (!e.site().equals(site) || e.name().equals("engagement") || e.revenueCurrency().isEmpty()
          || e.timestampMillis() < range.from().toEpochMilli() || e.timestampMillis() >= range.to().toEpochMilli()
          || !matches(site, filters, e, sessions.get(e.sessionId()))) {
        continue;
      }
      List<String> converted = conversions(site, e);
      if (goals.stream().anyMatch(g -> converted.contains(g.getString("display_name"))
          && !g.getString("currency").equals(e.revenueCurrency()))) {
        excluded++;
      }
    }
    return excluded;
  }

  /** {@code {"value", "currency"}}: the exact total, or the average half-up; null without a currency. */
  private static JsonObject money(String currency, BigDecimal sum, long count, boolean average) {
    if (currency == null) {
      return null;
    }
    int minor = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
    BigDecimal value;
    if (average) {
      value = count == 0 ? BigDecimal.ZERO.setScale(minor) : sum.divide(BigDecimal.valueOf(count), minor, RoundingMode.HALF_UP);
    } else {
      BigDecimal exact = sum.stripTrailingZeros();
      value = exact.scale() > minor ? exact : exact.setScale(minor);
    }
    return new JsonObject().put("value", value.toPlainString()).put("currency", currency);
  }

  /**
   * Custom property keys of the request's matching events: key -> {visitors, events}, as many
   * keys as exist (the API answers the most frequent 100).
   */
  Map<String, List<Long>> propKeys(JsonObject request, String site, ZoneId zone, Instant now) {
    Range range = range(request, site, zone, now);
    List<JsonArray> filters = filters(request);
    Map<Long, Session> sessions = sessionsBySite.computeIfAbsent(site, this::sessions);
    Map<String, Set<Long>> visitors = new HashMap<>();
    Map<String, Long> counts = new HashMap<>();
    for (Event e : events) {
      if (!e.site().equals(site) || e.name().equals("engagement")
          || e.timestampMillis() < range.from().toEpochMilli() || e.timestampMillis() >= range.to().toEpochMilli()
          || !matches(site, filters, e, sessions.get(e.sessionId()))) {
        continue;
      }
      for (String key : e.propKeys()) {
        visitors.computeIfAbsent(key, k -> new HashSet<>()).add(e.visitorId());
        counts.merge(key, 1L, Long::sum);
      }
    }
    Map<String, List<Long>> answer = new HashMap<>();
    counts.forEach((key, n) -> answer.put(key, List.of((long) visitors.get(key).size(), n)));
    return answer;
  }

  /** What a funnel must answer: visitors reaching each step, and all visitors of the range. */
  record FunnelCounts(List<Long> steps, long allVisitors) {}

  /**
   * A funnel over the request's range and filters: a visit (session id) reaches step k when it
   * has events converting steps 1..k at strictly increasing positions in its time order (time,
   * then event id), other events between them allowed; a step counts the distinct visitors with
   * a visit reaching it. All visitors: distinct visitors of the matching events.
   */
  FunnelCounts funnel(JsonObject request, String site, ZoneId zone, Instant now, List<String> steps) {
    Range range = range(request, site, zone, now);
    long from = range.from().toEpochMilli();
    long to = range.to().toEpochMilli();
    List<JsonArray> filters = filters(request);
    Map<Long, Session> sessions = sessionsBySite.computeIfAbsent(site, this::sessions);
    Map<Long, List<Event>> byVisit = new HashMap<>();
    Map<Long, Long> visitorOf = new HashMap<>();
    Set<Long> all = new HashSet<>();
    for (Event e : events) {
      if (!e.site().equals(site) || e.name().equals("engagement") || e.timestampMillis() < from
          || e.timestampMillis() >= to || !matches(site, filters, e, sessions.get(e.sessionId()))) {
        continue;
      }
      all.add(e.visitorId());
      byVisit.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e);
      visitorOf.put(e.sessionId(), e.visitorId());
    }
    List<Set<Long>> reached = new ArrayList<>();
    steps.forEach(step -> reached.add(new HashSet<>()));
    byVisit.forEach((visit, list) -> {
      list.sort(Comparator.comparingLong(Event::timestampMillis).thenComparingLong(Event::eventId));
      List<List<String>> converted = list.stream().map(e -> conversions(site, e)).toList();
      for (int k = 1; k <= steps.size(); k++) {
        if (chain(converted, steps.subList(0, k), 0)) {
          reached.get(k - 1).add(visitorOf.get(visit));
        }
      }
    });
    return new FunnelCounts(reached.stream().map(r -> (long) r.size()).toList(), all.size());
  }

  /** True when the steps occur, in order, at increasing positions from {@code start} on. */
  private static boolean chain(List<List<String>> converted, List<String> steps, int start) {
    if (steps.isEmpty()) {
      return true;
    }
    for (int i = start; i < converted.size(); i++) {
      if (converted.get(i).contains(steps.get(0)) && chain(converted, steps.subList(1, steps.size()), i + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Goals and property values group conversions: a rate's base is their other dimensions' group. */
  private static boolean outsideBase(String dimension) {
    return dimension.equals("event:goal") || dimension.startsWith("event:props:");
  }

  /** A goal: a top-level condition on a configured goal, the event name or page. */
  private static boolean isGoal(JsonArray filter) {
    return List.of("is", "is_not", "contains", "matches").contains(filter.getString(0))
        && List.of("event:goal", "event:name", "event:page").contains(filter.getString(1));
  }

  /** An event matches when it passes the event filters and its session the visit filters. */
  private boolean matches(String site, List<JsonArray> filters, Event e, Session s) {
    return passesVisit(site, filters, s) && passesEvent(site, filters, e, s);
  }

  /** A session counts when it passes the visit filters and has a matching event in the range. */
  private boolean startedAndMatched(String site, List<JsonArray> filters, Session s, long from, long to) {
    if (!passesVisit(site, filters, s)) {
      return false;
    }
    if (filters.stream().noneMatch(StatsOracle::eventLevel)) {
      return true;
    }
    return s.events().stream().anyMatch(e -> e.timestampMillis() >= from && e.timestampMillis() < to
        && passesEvent(site, filters, e, s));
  }

  /** Names of the site's goals the event converts, in the order the goals were given. */
  List<String> conversions(String site, Event e) {
    List<String> names = new ArrayList<>();
    for (Object o : goalsBySite.getOrDefault(site, new JsonArray())) {
      JsonObject goal = (JsonObject) o;
      boolean converts = goal.getString("event_name") != null
          ? e.name().equals(goal.getString("event_name"))
          : e.name().equals("pageview") && glob(goal.getString("page_path"), e.pathname());
      if (converts) {
        names.add(goal.getString("display_name"));
      }
    }
    return names;
  }

  /** The site's goal names a condition on event:goal selects (is_not: as is does). */
  private List<String> selectedGoals(String site, JsonArray c) {
    boolean cs = c.size() < 4 || c.getJsonObject(3).getBoolean("case_sensitive", true);
    List<String> values = strings(c.getJsonArray(2)).stream().map(v -> cs ? v : v.toLowerCase(Locale.ROOT)).toList();
    List<String> selected = new ArrayList<>();
    for (Object o : goalsBySite.getOrDefault(site, new JsonArray())) {
      String name = ((JsonObject) o).getString("display_name");
      String n = cs ? name : name.toLowerCase(Locale.ROOT);
      boolean hit = switch (c.getString(0)) {
        case "is", "is_not" -> values.contains(n);
        case "contains" -> values.stream().anyMatch(n::contains);
        case "matches" -> values.stream().anyMatch(v -> glob(v, n));
        default -> throw new IllegalArgumentException(c.encode());
      };
      if (hit) {
        selected.add(name);
      }
    }
    return selected;
  }

  private static BigDecimal div(long num, long den, int scale) {
    return new BigDecimal(num).divide(new BigDecimal(den), scale, RoundingMode.HALF_UP);
  }

  /**
   * What an engagement ping outside every session knows of its visit: the attributes it carries,
   * and no entry or exit page (conditions on those never hold for it).
   */
  private static Session orphan(Event ping) {
    return new Session(ping.sessionId(), ping.visitorId(), ping, ping.timestampMillis(), ping.timestampMillis(),
        null, null, 0, false, List.of());
  }

  private static boolean namesSessionPage(String dimension) {
    return dimension.equals("visit:entry_page") || dimension.equals("visit:exit_page");
  }

  private static boolean readsSessionPage(JsonArray filter) {
    return switch (filter.getString(0)) {
      case "and", "or" -> children(filter).stream().anyMatch(StatsOracle::readsSessionPage);
      case "not" -> readsSessionPage(filter.getJsonArray(1));
      default -> namesSessionPage(filter.getString(1));
    };
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

  /** The groups an event (or session) counts in: one, or one per goal converted for event:goal. */
  private List<List<String>> key(String site, List<String> dims, Event e, Session s, ZoneId zone, boolean sessionTime) {
    List<List<String>> keys = List.of(new ArrayList<>());
    for (String d : dims) {
      List<String> values;
      if (isTime(d)) {
        long ms = sessionTime ? s.startMs() : e.timestampMillis();
        values = List.of(timeLabel(d, Instant.ofEpochMilli(ms).atZone(zone)));
      } else if (isVisit(d)) {
        values = List.of(visitValue(d, s));
      } else if (d.equals("event:goal")) {
        values = conversions(site, e);
      } else {
        values = List.of(eventValue(d, e));
      }
      List<List<String>> next = new ArrayList<>();
      for (List<String> k : keys) {
        for (String v : values) {
          List<String> extended = new ArrayList<>(k);
          extended.add(v);
          next.add(extended);
        }
      }
      keys = next;
    }
    return keys;
  }

  /**
   * Every bucket label of a time dimension over the range, in order, each once: the labels of its
   * quarter hours (which reach every local hour, also in zones half an hour off UTC; a repeated
   * DST hour is one label, a skipped one none).
   */
  static List<String> timeLabels(String dimension, Range range, ZoneId zone) {
    Set<String> labels = new LinkedHashSet<>();
    for (Instant t = range.from(); t.isBefore(range.to()); t = t.plus(Duration.ofMinutes(15))) {
      labels.add(timeLabel(dimension, t.atZone(zone)));
    }
    return new ArrayList<>(labels);
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
      case "visit:region" -> f.region();
      case "visit:city" -> f.city();
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

  private boolean passesVisit(String site, List<JsonArray> filters, Session s) {
    return filters.stream().filter(f -> !eventLevel(f))
        .allMatch(f -> (s.entry() != null || !readsSessionPage(f)) && test(site, f, null, s));
  }

  private boolean passesEvent(String site, List<JsonArray> filters, Event e, Session s) {
    return filters.stream().filter(StatsOracle::eventLevel).allMatch(f -> test(site, f, e, s));
  }

  private boolean test(String site, JsonArray filter, Event e, Session s) {
    return switch (filter.getString(0)) {
      case "and" -> children(filter).stream().allMatch(c -> test(site, c, e, s));
      case "or" -> children(filter).stream().anyMatch(c -> test(site, c, e, s));
      case "not" -> !test(site, filter.getJsonArray(1), e, s);
      default -> {
        String dimension = filter.getString(1);
        if (dimension.equals("event:goal")) {
          List<String> converted = conversions(site, e);
          boolean any = selectedGoals(site, filter).stream().anyMatch(converted::contains);
          yield filter.getString(0).equals("is_not") ? !any : any;
        }
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

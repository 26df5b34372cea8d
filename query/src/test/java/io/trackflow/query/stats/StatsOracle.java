package io.trackflow.query.stats;

import io.trackflow.core.event.Event;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Computes what the stats API must answer, in plain Java over the raw events, without SQL and
 * without the production code's helpers: the definitions written out a second time.
 *
 * <ul>
 *   <li>Events: each event id once; the site's events in [from, to); engagement pings ignored.
 *   <li>A session: all the site's events of one session id, wherever they fall. It belongs to the
 *       range in which it starts (its earliest event). Its visit attributes are those of its
 *       earliest event (time, then event id); entry/exit page: first/last pageview's path.
 *   <li>Bounced: at most one pageview and no interactive event other than pageviews.
 *   <li>With an event dimension every metric counts events: those that match the event filters
 *       and whose session matches the visit filters. Otherwise pageviews and events count such
 *       events, and visitors, visits and the session metrics count sessions started in the range
 *       that match the visit filters and hold at least one such event in the range.
 * </ul>
 */
final class StatsOracle {

  private final List<Event> events;
  private final Map<String, Map<Long, Session>> sessionsBySite = new HashMap<>();

  StatsOracle(List<Event> raw) {
    Map<Long, Event> unique = new LinkedHashMap<>();
    raw.forEach(e -> unique.putIfAbsent(e.eventId(), e));
    this.events = List.copyOf(unique.values());
  }

  /** A session as the definitions say. */
  record Session(long id, long visitor, Event first, long startMs, long endMs, String entry,
      String exit, int pageviews, int interactive, List<Event> events) {}

  /** Expected metric values per dimension values for the query over [from, to). */
  Map<List<String>, List<Object>> answer(Query q, String site, ZoneId zone, Instant from, Instant to) {
    List<Event> inRange = events.stream()
        .filter(e -> e.site().equals(site))
        .filter(e -> e.timestampMillis() >= from.toEpochMilli() && e.timestampMillis() < to.toEpochMilli())
        .filter(e -> !e.name().equals("engagement"))
        .toList();
    Map<Long, Session> sessions = sessionsBySite.computeIfAbsent(site, this::sessions);
    boolean eventDims = q.dimensions().stream().anyMatch(d -> !d.isTime() && !d.name().startsWith("visit:"));
    List<Filter> withoutGoals = q.filters().stream().filter(f -> !Query.isGoal(f)).toList();

    // Event side: events of the range that match.
    Map<List<String>, Set<Long>> eventVisitors = new HashMap<>();
    Map<List<String>, Set<Long>> eventVisits = new HashMap<>();
    Map<List<String>, Long> pageviews = new HashMap<>();
    Map<List<String>, Long> eventCounts = new HashMap<>();
    Map<List<String>, Set<Long>> eventBase = new HashMap<>();
    Set<Long> allEventVisitors = new HashSet<>();
    for (Event e : inRange) {
      Session s = sessions.get(e.sessionId());
      List<String> key = key(q.dimensions(), e, s, zone, false);
      if (matches(withoutGoals, e, s)) {
        eventBase.computeIfAbsent(key, k -> new HashSet<>()).add(e.visitorId());
      }
      if (!matches(q.filters(), e, s)) {
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
      if (s.startMs() < from.toEpochMilli() || s.startMs() >= to.toEpochMilli()) {
        continue;
      }
      List<String> key = key(q.dimensions(), s.first(), s, zone, true);
      if (startedAndMatched(withoutGoals, s, from, to)) {
        sessionBase.computeIfAbsent(key, k -> new HashSet<>()).add(s.visitor());
      }
      if (!startedAndMatched(q.filters(), s, from, to)) {
        continue;
      }
      allSessionVisitors.add(s.visitor());
      sessionVisitors.computeIfAbsent(key, k -> new HashSet<>()).add(s.visitor());
      long[] a = sessionAggs.computeIfAbsent(key, k -> new long[4]);
      a[0]++;
      a[1] += s.pageviews() <= 1 && s.interactive() == 0 ? 1 : 0;
      a[2] += s.endMs() - s.startMs();
      a[3] += s.pageviews();
    }

    Map<List<String>, Set<Long>> visitors = eventDims ? eventVisitors : sessionVisitors;
    Map<List<String>, Set<Long>> base = eventDims ? eventBase : sessionBase;
    Set<Long> allVisitors = eventDims ? allEventVisitors : allSessionVisitors;
    // Groups: those of every statement the query needs.
    boolean eventSide = eventDims || q.metrics().contains(Metric.PAGEVIEWS) || q.metrics().contains(Metric.EVENTS);
    boolean sessionSide = !eventDims && q.metrics().stream().anyMatch(m -> m != Metric.PAGEVIEWS && m != Metric.EVENTS);
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
      for (Metric m : q.metrics()) {
        values.add(switch (m) {
          case VISITORS -> v;
          case VISITS -> eventDims ? (long) eventVisits.getOrDefault(key, Set.of()).size() : a[0];
          case PAGEVIEWS -> pageviews.getOrDefault(key, 0L);
          case EVENTS -> eventCounts.getOrDefault(key, 0L);
          case BOUNCE_RATE -> a[0] == 0 ? 0L : div(100L * a[1], a[0], 0).longValue();
          case VISIT_DURATION -> a[0] == 0 ? 0L : div(a[2], a[0] * 1000L, 0).longValue();
          case VIEWS_PER_VISIT -> a[0] == 0 ? 0.0 : div(a[3], a[0], 2).doubleValue();
          case PERCENTAGE -> allVisitors.isEmpty() ? 0.0 : div(100L * v, allVisitors.size(), 1).doubleValue();
          case CONVERSION_RATE -> {
            long b = base.getOrDefault(key, Set.of()).size();
            yield b == 0 ? 0.0 : div(100L * v, b, 2).doubleValue();
          }
        });
      }
      answer.put(key, values);
    }
    return answer;
  }

  /** An event matches when it passes the event filters and its session the visit filters. */
  private static boolean matches(List<Filter> filters, Event e, Session s) {
    return passesVisit(filters, s) && passesEvent(filters, e, s);
  }

  /** A session counts when it passes the visit filters and has a matching event in the range. */
  private static boolean startedAndMatched(List<Filter> filters, Session s, Instant from, Instant to) {
    if (!passesVisit(filters, s)) {
      return false;
    }
    if (filters.stream().noneMatch(StatsOracle::eventLevel)) {
      return true;
    }
    return s.events().stream().anyMatch(e -> e.timestampMillis() >= from.toEpochMilli()
        && e.timestampMillis() < to.toEpochMilli() && passesEvent(filters, e, s));
  }

  private static BigDecimal div(long num, long den, int scale) {
    return new BigDecimal(num).divide(new BigDecimal(den), scale, RoundingMode.HALF_UP);
  }

  /** Every session of the site, from all its events (engagement pings belong to none). */
  private Map<Long, Session> sessions(String site) {
    Map<Long, List<Event>> bySession = new HashMap<>();
    events.stream().filter(e -> e.site().equals(site) && !e.name().equals("engagement"))
        .forEach(e -> bySession.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e));
    Comparator<Event> order = Comparator.comparingLong(Event::timestampMillis).thenComparingLong(Event::eventId);
    Map<Long, Session> sessions = new HashMap<>();
    for (Map.Entry<Long, List<Event>> entry : bySession.entrySet()) {
      List<Event> list = new ArrayList<>(entry.getValue());
      list.sort(order);
      List<Event> pvs = list.stream().filter(e -> e.name().equals("pageview")).toList();
      int interactive = (int) list.stream().filter(e -> !e.name().equals("pageview") && e.interactive()).count();
      Event first = list.get(0);
      sessions.put(entry.getKey(), new Session(entry.getKey(), first.visitorId(), first,
          first.timestampMillis(), list.get(list.size() - 1).timestampMillis(),
          pvs.isEmpty() ? "" : pvs.get(0).pathname(), pvs.isEmpty() ? "" : pvs.get(pvs.size() - 1).pathname(),
          pvs.size(), interactive, list));
    }
    return sessions;
  }

  private static List<String> key(List<Dimension> dims, Event e, Session s, ZoneId zone, boolean sessionTime) {
    List<String> key = new ArrayList<>();
    for (Dimension d : dims) {
      if (d.isTime()) {
        long ms = sessionTime ? s.startMs() : e.timestampMillis();
        key.add(timeLabel(d.name(), Instant.ofEpochMilli(ms).atZone(zone)));
      } else if (d.isVisit()) {
        key.add(visitValue(d.name(), s));
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

  static String eventValue(Dimension d, Event e) {
    if (d.name().startsWith("event:props:")) {
      String v = e.prop(d.name().substring("event:props:".length()));
      return v == null ? "(none)" : v;
    }
    return switch (d.name()) {
      case "event:page" -> e.pathname();
      case "event:name" -> e.name();
      case "event:hostname" -> e.hostname();
      default -> throw new IllegalArgumentException(d.name());
    };
  }

  /** Plausible's answers name empty visit attributes: direct traffic, attributes not set. */
  static String emptyLabel(String dimension) {
    return switch (dimension) {
      case "visit:source", "visit:referrer" -> "Direct / None";
      case "visit:utm_source", "visit:utm_medium", "visit:utm_campaign", "visit:utm_term",
          "visit:utm_content", "visit:device", "visit:browser", "visit:browser_version", "visit:os",
          "visit:os_version" -> "(not set)";
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

  private static boolean eventLevel(Filter f) {
    return switch (f) {
      case Filter.Condition c -> !c.dimension().name().startsWith("visit:");
      case Filter.And a -> a.children().stream().allMatch(StatsOracle::eventLevel);
      case Filter.Or o -> o.children().stream().allMatch(StatsOracle::eventLevel);
      case Filter.Not n -> eventLevel(n.child());
    };
  }

  private static boolean passesVisit(List<Filter> filters, Session s) {
    return filters.stream().filter(f -> !eventLevel(f)).allMatch(f -> test(f, null, s));
  }

  private static boolean passesEvent(List<Filter> filters, Event e, Session s) {
    return filters.stream().filter(StatsOracle::eventLevel).allMatch(f -> test(f, e, s));
  }

  private static boolean test(Filter f, Event e, Session s) {
    return switch (f) {
      case Filter.And a -> a.children().stream().allMatch(c -> test(c, e, s));
      case Filter.Or o -> o.children().stream().anyMatch(c -> test(c, e, s));
      case Filter.Not n -> !test(n.child(), e, s);
      case Filter.Condition c -> {
        String value = c.dimension().name().startsWith("visit:")
            ? visitValue(c.dimension().name(), s) : eventValue(c.dimension(), e);
        yield condition(c, value);
      }
    };
  }

  private static boolean condition(Filter.Condition c, String value) {
    boolean cs = c.caseSensitive();
    String v = cs ? value : value.toLowerCase(Locale.ROOT);
    String label = emptyLabel(c.dimension().name());
    // An exact filter on "" means the empty value, which answers show as the label.
    List<String> exact = c.values().stream().map(x -> x.isEmpty() && label != null ? label : x).toList();
    return switch (c.op()) {
      case IS -> exact.stream().anyMatch(x -> (cs ? x : x.toLowerCase(Locale.ROOT)).equals(v));
      case IS_NOT -> exact.stream().noneMatch(x -> (cs ? x : x.toLowerCase(Locale.ROOT)).equals(v));
      case CONTAINS -> c.values().stream().anyMatch(x -> v.contains(cs ? x : x.toLowerCase(Locale.ROOT)));
      case MATCHES -> c.values().stream().anyMatch(x -> glob(cs ? x : x.toLowerCase(Locale.ROOT), v));
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

package io.trackflow.query.stats;

import io.trackflow.core.event.Event;
import io.trackflow.core.testdata.ReferenceSessions;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Hand-made events for the cases generated traffic rarely hits exactly: a session across local
 * midnight, both clock changes, equal timestamps, bounces decided by (non-)interactive events,
 * props with quotes and backslashes, revenue that floating point or a 64-bit sum gets wrong, and
 * traffic of the last half hour for realtime.
 */
final class EdgeCases {

  static final String SITE = "edge.example";

  /** Classic SQL injection and escaping payloads, used as stored values and as query input. */
  static final List<String> PAYLOADS = List.of(
      "' OR 1=1 --", "'; DROP TABLE events; --", "\\'; DROP TABLE events; --", "\\", "'", "''",
      "\\\\'", "%", "_", "*", ".*", "\") OR (\"1\"=\"1", "$(whoami)", "\n; SELECT 1", "/*", "*/",
      "--", "${jndi:ldap://x}", "日本語'ö", "\r\n\t", "`x`", "\\x27", "\\0", "(?i)",
      "' UNION SELECT name FROM system.tables --", "' || chr(39) || '", "\\' OR 1=1 FORMAT JSON --",
      "[a-z]+", "^$", "a\\", "?", "é' AND sleep(3) --");

  private EdgeCases() {}

  static List<Event> events(Instant now) {
    List<Event> events = new ArrayList<>();
    long id = 9_000_000_000L;
    // Across midnight in Berlin (CET): 23:59:59.999 on the 29th and 00:00 on the 30th (the DST day).
    events.add(pv(id++, 101, 1, "2025-03-29T22:59:59.999Z", "/night", "Google"));
    events.add(pv(id++, 101, 1, "2025-03-29T23:00:00.000Z", "/morning", ""));
    // Around the spring gap: 01:59:59 CET, then 03:00 CEST one second later.
    events.add(pv(id++, 102, 2, "2025-03-30T00:59:59Z", "/before-gap", "Bing"));
    events.add(pv(id++, 102, 2, "2025-03-30T01:00:00Z", "/after-gap", ""));
    // The repeated autumn hour: 02:30 CEST and 02:30 CET share one label.
    events.add(pv(id++, 103, 3, "2025-10-26T00:30:00Z", "/first-0230", "DuckDuckGo"));
    events.add(pv(id++, 104, 4, "2025-10-26T01:30:00Z", "/second-0230", ""));
    // Equal timestamps: the smaller event id is the entry, the larger the exit.
    events.add(pv(501, 105, 5, "2025-03-20T10:00:00Z", "/tie-low", "Twitter"));
    events.add(pv(502, 105, 5, "2025-03-20T10:00:00Z", "/tie-high", "Reddit"));
    // One pageview plus a non-interactive event: still a bounce.
    events.add(pv(id++, 106, 6, "2025-03-21T10:00:00Z", "/video", ""));
    events.add(custom(id++, 106, 6, "2025-03-21T10:05:00Z", "Video Played", false, "/video"));
    // One pageview plus an interactive event: not a bounce.
    events.add(pv(id++, 107, 7, "2025-03-21T11:00:00Z", "/signup", ""));
    events.add(custom(id++, 107, 7, "2025-03-21T11:00:30Z", "Signup", true, "/signup"));
    // Only a custom event, no pageview: empty entry page, not a bounce (interactive).
    events.add(custom(id++, 108, 8, "2025-03-21T12:00:00Z", "Download", true, "/files"));
    // Only engagement: no session at all.
    events.add(Event.builder().eventId(id++).site(SITE).timestampMillis(Instant.parse("2025-03-21T13:00:00Z").toEpochMilli())
        .name(Event.ENGAGEMENT).pathname("/ghost").visitorId(109).sessionId(9).interactive(false).build());
    // A prop key and value with a quote and a backslash.
    events.add(Event.builder().eventId(id++).site(SITE).timestampMillis(Instant.parse("2025-03-22T09:00:00Z").toEpochMilli())
        .name("Share").pathname("/it's").visitorId(110).sessionId(10)
        .props(List.of("it's"), List.of("a\\b'c")).build());
    // Engagement: two visits read /read (deepest scroll 80 and 45, engaged 7.5 s and 1.5 s: on
    // average 62.5 -> 63 % and 4.5 -> 5 s, half-up); the first goes on to /read/2.
    events.add(pv(id++, 111, 11, "2025-03-24T10:00:00Z", "/read", ""));
    events.add(ping(id++, 111, 11, "2025-03-24T10:00:30Z", "/read", 40, 3_000));
    events.add(ping(id++, 111, 11, "2025-03-24T10:01:00Z", "/read", 80, 4_500));
    events.add(pv(id++, 111, 11, "2025-03-24T10:01:05Z", "/read/2", ""));
    events.add(ping(id++, 111, 11, "2025-03-24T10:02:00Z", "/read/2", 100, 55_000));
    events.add(pv(id++, 112, 12, "2025-03-24T11:00:00Z", "/read", "Google"));
    events.add(ping(id++, 112, 12, "2025-03-24T11:00:20Z", "/read", 45, 1_500));
    // Funnels /pricing -> Signup: in order in one visit (other events between), out of order, across
    // two visits of one visitor (never chained), and at one millisecond, ordered by event id.
    events.add(pv(id++, 120, 20, "2025-03-25T10:00:00Z", "/pricing", ""));
    events.add(pv(id++, 120, 20, "2025-03-25T10:01:00Z", "/features", ""));
    events.add(custom(id++, 120, 20, "2025-03-25T10:02:00Z", "Signup", true, "/features"));
    events.add(custom(id++, 121, 21, "2025-03-25T11:00:00Z", "Signup", true, "/"));
    events.add(pv(id++, 121, 21, "2025-03-25T11:05:00Z", "/pricing", ""));
    events.add(pv(id++, 122, 22, "2025-03-25T12:00:00Z", "/pricing", ""));
    events.add(custom(id++, 122, 23, "2025-03-25T14:00:00Z", "Signup", true, "/"));
    events.add(pv(8_000_000_001L, 123, 24, "2025-03-25T15:00:00Z", "/pricing", ""));
    events.add(custom(8_000_000_002L, 123, 24, "2025-03-25T15:00:00Z", "Signup", true, "/pricing"));
    events.add(pv(8_000_000_004L, 124, 25, "2025-03-25T16:00:00Z", "/pricing", ""));
    events.add(custom(8_000_000_003L, 124, 25, "2025-03-25T16:00:00Z", "Signup", true, "/pricing"));
    // Revenue on the 26th: purchases of 0.10 and 0.20 EUR (0.30 exactly, which doubles miss), 19.99
    // and a refund of -5 EUR, 25 USD for the EUR goal (left out, counted), one without revenue;
    // tips of 2.50 USD and 1 EUR for the USD goal. Purchases 15.29 EUR over 4, tips 2.50 USD over 1.
    events.add(paid(id++, 130, 30, "2025-03-26T10:00:00Z", "Purchase", 100_000L, "EUR"));
    events.add(paid(id++, 130, 30, "2025-03-26T10:01:00Z", "Purchase", 200_000L, "EUR"));
    events.add(paid(id++, 131, 31, "2025-03-26T11:00:00Z", "Purchase", 19_990_000L, "EUR"));
    events.add(paid(id++, 131, 31, "2025-03-26T11:30:00Z", "Purchase", -5_000_000L, "EUR"));
    events.add(paid(id++, 132, 32, "2025-03-26T12:00:00Z", "Purchase", 25_000_000L, "USD"));
    events.add(paid(id++, 133, 33, "2025-03-26T13:00:00Z", "Purchase", 0, ""));
    events.add(paid(id++, 134, 34, "2025-03-26T14:00:00Z", "Tip", 2_500_000L, "USD"));
    events.add(paid(id++, 134, 34, "2025-03-26T14:05:00Z", "Tip", 1_000_000L, "EUR"));
    // On the 27th ten purchases at the collector's limit: their micros sum past a 64-bit integer.
    for (int i = 0; i < 10; i++) {
      events.add(paid(id++, 135, 35, "2025-03-27T10:0" + i + ":00Z", "Purchase", 999_999_999_999_999_999L, "EUR"));
    }
    // Every payload stored as a page, a source and a prop key and value, so filters must find them.
    long base = Instant.parse("2025-03-23T10:00:00Z").toEpochMilli();
    for (int i = 0; i < PAYLOADS.size(); i++) {
      String p = PAYLOADS.get(i);
      events.add(Event.builder().eventId(id++).site(SITE).timestampMillis(base + i * 60_000L)
          .name(Event.PAGEVIEW).hostname(SITE).pathname(p).referrerSource(p).visitorId(3_000 + i)
          .sessionId(3_000 + i).props(List.of(p), List.of(p)).build());
    }
    // The last half hour before now, for realtime: one visitor per minute, two pageviews each.
    for (int minutesAgo = 0; minutesAgo < 35; minutesAgo++) {
      long t = now.toEpochMilli() - minutesAgo * 60_000L - 1_000L;
      // Sources and second pages vary, so the realtime top lists have an order to get right.
      String source = minutesAgo % 3 == 0 ? "Google" : "";
      events.add(pv(id++, 200 + minutesAgo, 100 + minutesAgo, Instant.ofEpochMilli(t).toString(), "/live", source));
      events.add(pv(id++, 200 + minutesAgo, 100 + minutesAgo, Instant.ofEpochMilli(t + 500).toString(),
          "/live/" + minutesAgo % 2, source));
      events.add(Event.builder().eventId(id++).site(SITE).timestampMillis(t + 700).name(Event.ENGAGEMENT)
          .visitorId(900 + minutesAgo).sessionId(900 + minutesAgo).interactive(false).build());
    }
    // As the collector would send them: in time order, each with its session's totals and source.
    events.sort(java.util.Comparator.comparingLong(Event::timestampMillis).thenComparingLong(Event::eventId));
    ReferenceSessions.withTotals(events);
    return events;
  }

  private static Event pv(long id, long visitor, long session, String at, String path, String source) {
    return Event.builder().eventId(id).site(SITE).timestampMillis(Instant.parse(at).toEpochMilli())
        .name(Event.PAGEVIEW).hostname(SITE).pathname(path).referrerSource(source)
        .visitorId(visitor).sessionId(session).country("DE").device("Desktop").browser("Firefox").build();
  }

  private static Event ping(long id, long visitor, long session, String at, String path, int scroll, long engagedMillis) {
    return Event.builder().eventId(id).site(SITE).timestampMillis(Instant.parse(at).toEpochMilli())
        .name(Event.ENGAGEMENT).hostname(SITE).pathname(path).visitorId(visitor).sessionId(session)
        .interactive(false).scrollDepth(scroll).engagementMillis(engagedMillis)
        .country("DE").device("Desktop").browser("Firefox").build();
  }

  private static Event custom(long id, long visitor, long session, String at, String name, boolean interactive, String path) {
    return Event.builder().eventId(id).site(SITE).timestampMillis(Instant.parse(at).toEpochMilli())
        .name(name).hostname(SITE).pathname(path).visitorId(visitor).sessionId(session)
        .interactive(interactive).country("DE").device("Desktop").browser("Firefox").build();
  }

  private static Event paid(long id, long visitor, long session, String at, String name, long micros, String currency) {
    return Event.builder().eventId(id).site(SITE).timestampMillis(Instant.parse(at).toEpochMilli())
        .name(name).hostname(SITE).pathname("/checkout").visitorId(visitor).sessionId(session)
        .interactive(true).country("DE").device("Desktop").browser("Firefox").revenue(micros, currency).build();
  }

  /** Distinct visitors with a non-engagement event in the five minutes up to now. */
  static long realtimeVisitors(List<Event> raw, Instant now) {
    Set<Long> visitors = new HashSet<>();
    for (Event e : raw) {
      if (e.site().equals(SITE) && !e.isEngagement() && e.timestampMillis() >= now.toEpochMilli() - 300_000L
          && e.timestampMillis() <= now.toEpochMilli()) {
        visitors.add(e.visitorId());
      }
    }
    return visitors.size();
  }

  /**
   * The realtime top list of an event attribute: distinct visitors with a non-engagement event in
   * the five minutes up to now, per value, most first, ties by value.
   */
  static List<Map.Entry<String, Long>> realtimeTop(List<Event> raw, Instant now, java.util.function.Function<Event, String> value) {
    Map<String, Set<Long>> visitors = new TreeMap<>();
    for (Event e : raw) {
      if (e.site().equals(SITE) && !e.isEngagement() && e.timestampMillis() >= now.toEpochMilli() - 300_000L
          && e.timestampMillis() <= now.toEpochMilli()) {
        visitors.computeIfAbsent(value.apply(e), k -> new HashSet<>()).add(e.visitorId());
      }
    }
    return visitors.entrySet().stream().map(e -> Map.entry(e.getKey(), (long) e.getValue().size()))
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(10).toList();
  }

  /** Pageviews per minute label (ISO with the zone's offset) of the last 30 minutes. */
  static Map<String, Long> realtimePageviews(List<Event> raw, Instant now, ZoneId zone) {
    Map<String, Long> counts = new TreeMap<>();
    long currentMinute = Math.floorDiv(now.toEpochMilli(), 60_000L);
    for (Event e : raw) {
      long minute = Math.floorDiv(e.timestampMillis(), 60_000L);
      if (e.site().equals(SITE) && e.isPageview() && minute > currentMinute - 30 && e.timestampMillis() <= now.toEpochMilli()) {
        counts.merge(Instant.ofEpochMilli(minute * 60_000L).atZone(zone).toOffsetDateTime().toString(), 1L, Long::sum);
      }
    }
    return counts;
  }
}

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
 * props with quotes and backslashes, and traffic of the last half hour for realtime.
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

  private static Event custom(long id, long visitor, long session, String at, String name, boolean interactive, String path) {
    return Event.builder().eventId(id).site(SITE).timestampMillis(Instant.parse(at).toEpochMilli())
        .name(name).hostname(SITE).pathname(path).visitorId(visitor).sessionId(session)
        .interactive(interactive).country("DE").device("Desktop").browser("Firefox").build();
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

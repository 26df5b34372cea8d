package io.trackflow.core.rollup;

import io.trackflow.core.event.Event;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.StoredTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the rollups of whole UTC days from the raw tables, read through the store's view (each
 * event once, each session with its latest totals), so a day's rollups equal the raw answer by
 * construction. A day is built once it is settled (its end lies {@code settle} in the past) and
 * rebuilt when its stored event rows are no longer as many as the build saw (late events,
 * replays, retention, a deleted site), when the rollup version changed, or on request. A build
 * replaces the whole day, so building a day twice (two writers) leaves the same rows.
 *
 * <p>The raw rows are aggregated in Java on a worker thread. Each row counts its distinct visitors
 * exactly; a day row also counts them for every prefix and suffix of whole hours of the day, so a
 * range or time bucket that cuts a UTC day at a whole hour (a site's local midnight) still gets
 * exact visitors. Visitor ids are salted per UTC day, so the visitors of different days are
 * disjoint and their counts add up; the build counts the ids and sessions that do cross a
 * midnight, and answers read the days on both sides of such a midnight raw.
 */
public final class RollupBuilder {

  /** Days built and days dropped (no events left) by one run. */
  public record Outcome(int built, int dropped) {}

  static final long HOUR = 3_600_000L;
  static final long DAY = 86_400_000L;
  /** How long before its events a session can have started (as the stats' event statements join pages). */
  private static final long LONGEST_SESSION = 26 * HOUR;

  private final EventStore store;
  private final Vertx vertx;
  private final Clock clock;
  private final Duration settle;

  public RollupBuilder(EventStore store, Vertx vertx, Clock clock, Duration settle) {
    this.store = store;
    this.vertx = vertx;
    this.clock = clock;
    this.settle = settle;
  }

  /**
   * Builds each settled day that has events but no build of this version, or one that saw fewer
   * event rows than the day holds now; drops the rollups of built days that hold no events.
   */
  public Future<Outcome> run() {
    Instant now = clock.instant();
    return Future.all(eventsPerDay(), builds()).compose(both -> {
      Map<LocalDate, Long> events = both.resultAt(0);
      Map<LocalDate, Long> built = both.resultAt(1);
      List<LocalDate> toBuild = new ArrayList<>();
      events.forEach((day, count) -> {
        boolean settled = !day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(settle).isAfter(now);
        if (settled && !count.equals(built.get(day))) {
          toBuild.add(day);
        }
      });
      List<LocalDate> toDrop = built.keySet().stream().filter(day -> !events.containsKey(day)).toList();
      Future<Void> chain = Future.succeededFuture();
      for (LocalDate day : toDrop) {
        chain = chain.compose(v -> store.dropRollups(day));
      }
      for (LocalDate day : toBuild) {
        chain = chain.compose(v -> build(day, events.get(day)));
      }
      return chain.map(v -> new Outcome(toBuild.size(), toDrop.size()));
    });
  }

  /**
   * Rebuilds every settled day from {@code first} to {@code last} (both included; null for the
   * first or last day with events) that has events, drops the rollups of the others; answers the
   * days built. Days not settled yet are left to the regular runs: built early, they would miss
   * what is still written to them.
   */
  public Future<Integer> rebuild(LocalDate first, LocalDate last) {
    LocalDate lastSettled = LocalDate.ofInstant(clock.instant().minus(settle), ZoneOffset.UTC).minusDays(1);
    return Future.all(eventsPerDay(), builds()).compose(both -> {
      Map<LocalDate, Long> events = both.resultAt(0);
      Map<LocalDate, Long> built = both.resultAt(1);
      java.util.TreeSet<LocalDate> days = new java.util.TreeSet<>(events.keySet());
      days.addAll(built.keySet());
      if (days.isEmpty()) {
        return Future.succeededFuture(0);
      }
      LocalDate from = first != null ? first : days.first();
      LocalDate to = last != null && last.isBefore(lastSettled) ? last : lastSettled;
      Future<Integer> chain = Future.succeededFuture(0);
      for (LocalDate day : days.subSet(from, true, to, true)) {
        Long count = events.get(day);
        chain = count == null ? chain.compose(n -> store.dropRollups(day).map(n))
            : chain.compose(n -> build(day, count).map(n + 1));
      }
      return chain;
    });
  }

  /** Stored event rows per UTC day (all sites, engagement pings and unmerged copies included). */
  Future<Map<LocalDate, Long>> eventsPerDay() {
    SqlDialect dialect = store.dialect();
    return store.query("SELECT " + Rollups.bucket(dialect, "timestamp_ms", DAY) + " AS d, count(*) AS n FROM "
        + StoredTable.EVENTS.tableName() + " GROUP BY d").map(result -> {
          Map<LocalDate, Long> days = new TreeMap<>();
          for (List<Object> row : result.rows()) {
            days.put(LocalDate.ofEpochDay(toLong(row.get(0))), toLong(row.get(1)));
          }
          return days;
        });
  }

  /** The days built by this version, with the event rows each build saw. */
  Future<Map<LocalDate, Long>> builds() {
    return store.query(Rollups.builds(store.dialect())).map(result -> {
      Map<LocalDate, Long> days = new TreeMap<>();
      for (List<Object> row : result.rows()) {
        days.put(LocalDate.parse(String.valueOf(row.get(0))), toLong(row.get(1)));
      }
      return days;
    });
  }

  /** Builds one day: site by site, then replaces the day's rows at once. */
  Future<Void> build(LocalDate day, long eventsSeen) {
    String sites = "SELECT DISTINCT site FROM " + StoredTable.EVENTS.tableName() + " WHERE " + during(day)
        + " ORDER BY site";
    return store.query(sites).compose(result -> {
      List<RollupRow> rows = new ArrayList<>();
      long[] crossing = new long[2];
      Future<Void> chain = Future.succeededFuture();
      for (List<Object> row : result.rows()) {
        String site = String.valueOf(row.get(0));
        chain = chain.compose(v -> site(site, day).map(aggregate -> {
          rows.addAll(aggregate.rows());
          crossing[0] += aggregate.crossingIn();
          crossing[1] += aggregate.crossingOut();
          return null;
        }));
      }
      return chain
          .compose(v -> Future.all(sharedVisitors(day, day.minusDays(1)), sharedVisitors(day, day.plusDays(1))))
          .compose(shared -> store.replaceRollups(new RollupBuild(day, eventsSeen,
              crossing[0] + shared.<Long>resultAt(0), crossing[1] + shared.<Long>resultAt(1)), rows));
    });
  }

  /**
   * The visitor ids (per site) with events both on {@code day} and on {@code other}: ids salted
   * per UTC day meet only when a collector rotated its salt a little after midnight.
   */
  Future<Long> sharedVisitors(LocalDate day, LocalDate other) {
    String events = StoredTable.EVENTS.tableName();
    String ofDay = during(day);
    String ofOther = during(other);
    String statement = store.dialect() == SqlDialect.CLICKHOUSE
        ? "SELECT count() AS n FROM (SELECT DISTINCT site, visitor_id FROM " + events + " WHERE " + ofDay
            + ") WHERE (site, visitor_id) IN (SELECT site, visitor_id FROM " + events + " WHERE " + ofOther + ")"
        : "SELECT count(*) AS n FROM (SELECT DISTINCT site, visitor_id FROM " + events + " WHERE " + ofDay
            + ") AS d WHERE EXISTS (SELECT 1 FROM " + events + " AS o WHERE o.site = d.site AND o.visitor_id = d.visitor_id"
            + " AND " + ofOther.replace("timestamp_ms", "o.timestamp_ms") + ")";
    return store.query(statement).map(r -> r.rows().isEmpty() ? 0L : toLong(r.rows().get(0).get(0)));
  }

  /** A condition on the events of one UTC day (ClickHouse also on its partition key). */
  private String during(LocalDate day) {
    long from = day.toEpochDay() * DAY;
    long to = from + DAY;
    return (store.dialect() == SqlDialect.CLICKHOUSE ? "timestamp >= toDateTime(" + from / 1000
        + ", 'UTC') AND timestamp < toDateTime(" + to / 1000 + ", 'UTC') AND " : "")
        + "timestamp_ms >= " + from + " AND timestamp_ms < " + to;
  }

  /** One site's rows of one day, and its sessions crossing the day's start and end. */
  private record SiteDay(List<RollupRow> rows, int crossingIn, int crossingOut) {}

  private Future<SiteDay> site(String site, LocalDate day) {
    Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = from.plusMillis(DAY);
    List<String> eventColumns = new ArrayList<>(List.of("timestamp_ms", kind(store.dialect()) + " AS k", "pathname",
        "visitor_id", "session_id", "scroll_depth", "engagement_millis"));
    eventColumns.addAll(Rollups.VISIT_COLUMNS);
    List<String> sessionColumns = new ArrayList<>(List.of("session_id", "visitor_id", "start_ms", "end_ms",
        "last_activity_ms", "pageviews", "interactive", "entry_page", "exit_page"));
    sessionColumns.addAll(Rollups.VISIT_COLUMNS);
    Future<QueryResult> events = store.query(view -> "SELECT * FROM "
        + view.rows(StoredTable.EVENTS, site, from, to, eventColumns, null) + " AS e");
    Future<QueryResult> sessions = store.query(view -> "SELECT * FROM "
        + view.rows(StoredTable.SESSIONS, site, from.minusMillis(LONGEST_SESSION), to, sessionColumns, null) + " AS s");
    return Future.all(events, sessions).compose(both -> vertx.executeBlocking(
        () -> {
          DayAggregate sums = new DayAggregate(site, day).add(events.result(), sessions.result());
          return new SiteDay(sums.rows(), sums.crossingIn.size(), sums.crossingOut.size());
        }, false));
  }

  /** 1 for pageviews, 2 for engagement pings, 0 for other events. */
  private static String kind(SqlDialect dialect) {
    return dialect == SqlDialect.CLICKHOUSE ? "kind"
        : "CASE WHEN name = '" + Event.PAGEVIEW + "' THEN 1 WHEN name = '" + Event.ENGAGEMENT + "' THEN 2 ELSE 0 END";
  }

  static long toLong(Object value) {
    return switch (value) {
      case null -> 0L;
      case Number n -> n.longValue();
      default -> Long.parseLong(value.toString());
    };
  }

  /** The sums of one day of one site, per bucket, dimension and value. */
  private static final class DayAggregate {
    private record Key(boolean hourly, long bucket, String dimension, String value) {}

    private static final class Sums {
      long events;
      long pageviews;
      long sessions;
      long bounces;
      long durationMs;
      long sessionPageviews;
      /** Per visitor, the hours of the day it was seen in (bit h for hour h). */
      final Map<Long, Integer> visitorHours = new HashMap<>();
      final Set<Long> visits = new HashSet<>();
      /** Per visit with engagement: deepest scroll, engaged ms. */
      final Map<Long, long[]> engagement = new HashMap<>();

      void see(long visitor, long millis) {
        int hour = (int) (Math.floorMod(millis, DAY) / HOUR);
        visitorHours.merge(visitor, 1 << hour, (a, b) -> a | b);
      }

      /** For each hour h, the visitors seen before it (before) or from it on (from), as stored text. */
      String visitorsBefore() {
        int[] counts = new int[24];
        for (int hours : visitorHours.values()) {
          // Seen before hour h when its first hour is below h.
          for (int h = Integer.numberOfTrailingZeros(hours) + 1; h < 24; h++) {
            counts[h]++;
          }
        }
        return text(counts);
      }

      String visitorsFrom() {
        int[] counts = new int[24];
        for (int hours : visitorHours.values()) {
          int lastHour = 31 - Integer.numberOfLeadingZeros(hours);
          for (int h = 0; h <= lastHour; h++) {
            counts[h]++;
          }
        }
        return text(counts);
      }

      private static String text(int[] counts) {
        StringBuilder text = new StringBuilder(counts.length * 4);
        for (int count : counts) {
          text.append(text.isEmpty() ? "" : ",").append(count);
        }
        return text.toString();
      }
    }

    private final String site;
    private final LocalDate day;
    private final long from;
    private final Map<Key, Sums> sums = new HashMap<>();
    /** Sessions with events on the day that started before it. */
    final Set<Long> crossingIn = new HashSet<>();
    /** Sessions started by the day's end with activity after it. */
    final Set<Long> crossingOut = new HashSet<>();

    DayAggregate(String site, LocalDate day) {
      this.site = site;
      this.day = day;
      this.from = day.toEpochDay() * DAY;
    }

    DayAggregate add(QueryResult events, QueryResult sessions) {
      Map<Long, String[]> pages = new HashMap<>();
      Map<Long, Long> starts = new HashMap<>();
      int sid = sessions.columnIndex("session_id");
      int entry = sessions.columnIndex("entry_page");
      int exit = sessions.columnIndex("exit_page");
      int lastActivity = sessions.columnIndex("last_activity_ms");
      for (List<Object> s : sessions.rows()) {
        long session = toLong(s.get(sid));
        pages.put(session, new String[] {text(s.get(entry)), text(s.get(exit))});
        starts.put(session, toLong(s.get(sessions.columnIndex("start_ms"))));
        if (Math.max(toLong(s.get(lastActivity)), toLong(s.get(sessions.columnIndex("end_ms")))) >= from + DAY) {
          crossingOut.add(session);
        }
      }
      for (List<Object> s : sessions.rows()) {
        long start = toLong(s.get(sessions.columnIndex("start_ms")));
        if (start < from || start >= from + DAY) {
          continue;
        }
        long pageviews = toLong(s.get(sessions.columnIndex("pageviews")));
        long interactive = toLong(s.get(sessions.columnIndex("interactive")));
        long duration = toLong(s.get(sessions.columnIndex("end_ms"))) - start;
        long visitor = toLong(s.get(sessions.columnIndex("visitor_id")));
        Map<String, String> values = new HashMap<>();
        values.put(Rollups.TOTAL, "");
        values.put(Rollups.ENTRY_PAGE, text(s.get(entry)));
        values.put(Rollups.EXIT_PAGE, text(s.get(exit)));
        visitValues(sessions, s, values);
        forEach(start, values, acc -> {
          acc.sessions++;
          acc.bounces += pageviews <= 1 && interactive == 0 ? 1 : 0;
          acc.durationMs += duration;
          acc.sessionPageviews += pageviews;
          acc.see(visitor, start);
        });
      }
      int ts = events.columnIndex("timestamp_ms");
      int k = events.columnIndex("k");
      int path = events.columnIndex("pathname");
      int vid = events.columnIndex("visitor_id");
      int esid = events.columnIndex("session_id");
      int scroll = events.columnIndex("scroll_depth");
      int engaged = events.columnIndex("engagement_millis");
      for (List<Object> e : events.rows()) {
        long time = toLong(e.get(ts));
        long kind = toLong(e.get(k));
        long session = toLong(e.get(esid));
        String page = text(e.get(path));
        Long start = starts.get(session);
        if (start != null && start < from) {
          crossingIn.add(session);
        }
        if (kind == 2) {
          long depth = toLong(e.get(scroll));
          long ms = toLong(e.get(engaged));
          forEach(time, Map.of(Rollups.TOTAL, "", Rollups.PAGE, page), acc -> {
            long[] visit = acc.engagement.computeIfAbsent(session, x -> new long[] {Long.MIN_VALUE, 0});
            visit[0] = Math.max(visit[0], depth);
            visit[1] += ms;
          });
          continue;
        }
        long visitor = toLong(e.get(vid));
        Map<String, String> values = new HashMap<>();
        values.put(Rollups.TOTAL, "");
        values.put(Rollups.PAGE, page);
        String[] sessionPages = pages.get(session);
        if (sessionPages != null) {
          // As the stats join them: events of sessions not stored have no entry or exit page.
          values.put(Rollups.ENTRY_PAGE, sessionPages[0]);
          values.put(Rollups.EXIT_PAGE, sessionPages[1]);
        }
        visitValues(events, e, values);
        forEach(time, values, (dimension, acc) -> {
          acc.events++;
          acc.pageviews += kind == 1 ? 1 : 0;
          if (dimension.equals(Rollups.PAGE)) {
            acc.see(visitor, time);
            acc.visits.add(session);
          }
        });
      }
      return this;
    }

    private static void visitValues(QueryResult result, List<Object> row, Map<String, String> into) {
      Rollups.COLUMNS.forEach((dimension, column) -> {
        if (Rollups.VISIT_COLUMNS.contains(column)) {
          into.put(dimension, text(row.get(result.columnIndex(column))));
        }
      });
    }

    private void forEach(long time, Map<String, String> values, java.util.function.Consumer<Sums> update) {
      forEach(time, values, (dimension, acc) -> update.accept(acc));
    }

    private void forEach(long time, Map<String, String> values, java.util.function.BiConsumer<String, Sums> update) {
      long hour = Math.floorDiv(time, HOUR) * HOUR;
      values.forEach((dimension, value) -> {
        update.accept(dimension, sums.computeIfAbsent(new Key(true, hour, dimension, value), x -> new Sums()));
        update.accept(dimension, sums.computeIfAbsent(new Key(false, from, dimension, value), x -> new Sums()));
      });
    }

    List<RollupRow> rows() {
      List<RollupRow> rows = new ArrayList<>(sums.size());
      sums.forEach((key, acc) -> {
        long scrollSum = 0;
        long engagedMs = 0;
        for (long[] visit : acc.engagement.values()) {
          scrollSum += visit[0];
          engagedMs += visit[1];
        }
        boolean page = key.dimension().equals(Rollups.PAGE);
        rows.add(new RollupRow(site, day, key.hourly(), key.bucket(), key.dimension(), key.value(), acc.events,
            acc.pageviews, page ? acc.visits.size() : acc.sessions, acc.sessions, acc.bounces, acc.durationMs,
            acc.sessionPageviews, acc.engagement.size(), scrollSum, engagedMs, acc.visitorHours.size(),
            key.hourly() ? "" : acc.visitorsBefore(), key.hourly() ? "" : acc.visitorsFrom()));
      });
      return rows;
    }

    private static String text(Object value) {
      return value == null ? "" : value.toString();
    }
  }
}

package io.trackflow.query.stats;

import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.SqlDialect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a bench store holds, in figures that can be compared between stores of one dialect:
 * order-independent fingerprints of every stored event and session (equal only if the rows are
 * equal), the invariants the writer keeps (no visitor id or session spans two UTC days; a
 * session's pageviews are its pageview events), and raw aggregates whose ratios show the
 * distributions (pageviews per session, bounce share, shares of sources and devices).
 */
final class BenchDataCheck {

  private static final long DAY_MS = 86_400_000L;

  private BenchDataCheck() {}

  /**
   * Row count and XOR of row hashes of the deduplicated events and sessions. On ClickHouse one
   * day at a time: 18.16 merges {@code FINAL} over every part of the table at once, a block of
   * each, and with every column of 90 days that passed its 3.7 GiB limit per query at 1M events.
   */
  static Map<String, String> fingerprint(EventStore store) throws Exception {
    SqlDialect d = store.dialect();
    List<String> sessionColumns = new ArrayList<>(EventsSchema.SESSION_COLUMNS);
    sessionColumns.remove("start");
    Map<String, String> out = new LinkedHashMap<>();
    for (String[] table : List.of(
        new String[] {"events", EventsSchema.deduplicated(d), hashed(EventsSchema.COLUMNS, d), "timestamp"},
        new String[] {"sessions", EventsSchema.sessionsDeduplicated(d), hashed(sessionColumns, d), "start"})) {
      long rows = 0;
      long hash = 0;
      if (d == SqlDialect.CLICKHOUSE) {
        String day = "toYYYYMMDD(" + table[3] + ")";
        for (List<Object> dayRow : BenchData.await(store.query("SELECT DISTINCT " + day + " AS d FROM " + table[0]
            + " ORDER BY d")).rows()) {
          List<Object> row = one(store, "SELECT count(*) AS n, toString(groupBitXor(cityHash64(" + table[2] + "))) AS h FROM "
              + table[1] + " WHERE " + day + " = " + QueryRunner.toLong(dayRow.get(0)));
          rows += QueryRunner.toLong(row.get(0));
          hash ^= Long.parseUnsignedLong((String) row.get(1));
        }
      } else {
        List<Object> row = one(store, "SELECT count(*) AS n, CAST(bit_xor(hash(" + table[2] + ")) AS VARCHAR) AS h FROM "
            + table[1]);
        rows = QueryRunner.toLong(row.get(0));
        hash = row.get(1) == null ? 0 : Long.parseUnsignedLong((String) row.get(1));
      }
      out.put(table[0] + " rows", Long.toString(rows));
      out.put(table[0] + " hash", Long.toUnsignedString(hash));
    }
    return out;
  }

  private static String hashed(List<String> columns, SqlDialect d) {
    return columns.stream().filter(c -> !c.equals("timestamp")).map(c -> c.startsWith("prop_")
        ? (d == SqlDialect.CLICKHOUSE ? "arrayStringConcat(" + c + ", '|')" : "array_to_string(" + c + ", '|')")
        : c).collect(Collectors.joining(", "));
  }

  /** Raw figures of the whole store: counts, invariants, and counts per value of a few dimensions. */
  static Map<String, Long> aggregates(EventStore store) throws Exception {
    SqlDialect d = store.dialect();
    String events = EventsSchema.deduplicated(d);
    String sessions = EventsSchema.sessionsDeduplicated(d);
    String shop = "site = 'shop.example.com'";
    Map<String, Long> out = new LinkedHashMap<>();
    List<Object> e = one(store, "SELECT count(*), " + countIf("name = 'pageview'") + ", "
        + countIf("name = 'engagement'") + ", " + countIf(shop) + ", count(DISTINCT visitor_id), "
        + "count(DISTINCT session_id), sum(engagement_millis), sum(scroll_depth) FROM " + events);
    String[] names = {"events", "pageviews", "engagement pings", "events of shop.example.com", "visitors (daily ids)",
        "session ids on events", "engagement ms", "scroll depth sum"};
    for (int i = 0; i < names.length; i++) {
      out.put(names[i], QueryRunner.toLong(e.get(i)));
    }
    List<Object> s = one(store, "SELECT count(*), " + countIf("pageviews <= 1 AND interactive = 0") + ", sum(pageviews), "
        + "sum(end_ms - start_ms), count(DISTINCT visitor_id), "
        + countIf(day(d, "start_ms") + " != " + day(d, "last_activity_ms")) + " FROM " + sessions);
    names = new String[] {"sessions", "bounced sessions", "session pageviews", "session duration ms",
        "visitors with a session", "sessions spanning two UTC days"};
    for (int i = 0; i < names.length; i++) {
      out.put(names[i], QueryRunner.toLong(s.get(i)));
    }
    out.put("visitor ids spanning two UTC days", QueryRunner.toLong(one(store, "SELECT count(*) FROM (SELECT visitor_id FROM "
        + events + " GROUP BY visitor_id HAVING min(" + day(d, "timestamp_ms") + ") != max(" + day(d, "timestamp_ms")
        + ")) AS v").get(0)));
    String pageviewsPerSession = "SELECT session_id, " + countIf("name = 'pageview'") + " AS pv FROM " + events
        + " GROUP BY session_id";
    String counted = "SELECT session_id, pageviews FROM " + sessions;
    out.put("sessions whose pageviews differ from their events", QueryRunner.toLong(one(store,
        d == SqlDialect.CLICKHOUSE
            ? "SELECT count() FROM (" + pageviewsPerSession + ") ALL INNER JOIN (" + counted + ") USING session_id WHERE pv != pageviews"
            : "SELECT count(*) FROM (" + pageviewsPerSession + ") AS e JOIN (" + counted + ") AS s USING (session_id) WHERE pv != pageviews")
        .get(0)));
    for (String column : List.of("referrer_source", "device", "country")) {
      QueryResult r = BenchData.await(store.query("SELECT " + column + ", count(*) AS n FROM " + sessions + " WHERE " + shop
          + " GROUP BY " + column + " ORDER BY " + column));
      for (List<Object> row : r.rows()) {
        out.put("shop sessions, " + column + " = '" + row.get(0) + "'", QueryRunner.toLong(row.get(1)));
      }
    }
    return out;
  }

  private static String countIf(String condition) {
    return "sum(CASE WHEN " + condition + " THEN 1 ELSE 0 END)";
  }

  private static String day(SqlDialect d, String millis) {
    return d == SqlDialect.CLICKHOUSE ? "intDiv(" + millis + ", " + DAY_MS + ")" : "(" + millis + " // " + DAY_MS + ")";
  }

  private static List<Object> one(EventStore store, String sql) throws Exception {
    return BenchData.await(store.query(sql)).rows().get(0);
  }
}

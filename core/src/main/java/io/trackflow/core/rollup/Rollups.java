package io.trackflow.core.rollup;

import io.trackflow.core.store.SqlDialect;
import java.util.List;
import java.util.Map;

/**
 * What the rollup tables hold (docs/storage.md, "Rollups"): per site, UTC hour and UTC day, and
 * value of each dimension listed here, the counts stats compute and the distinct visitors (day
 * rows also for each prefix and suffix of whole hours). Built from the raw tables by
 * {@link RollupBuilder}; the stats planner answers from them what they answer exactly.
 */
public final class Rollups {

  /** Changes whenever what a build writes changes; days built by another version are rebuilt. */
  public static final int VERSION = 2;

  public static final String TABLE = "rollups";
  public static final String BUILDS_TABLE = "rollup_builds";

  /** The site's total. */
  public static final String TOTAL = "";
  public static final String PAGE = "event:page";
  public static final String ENTRY_PAGE = "visit:entry_page";
  public static final String EXIT_PAGE = "visit:exit_page";

  /**
   * The dimensions with rows, each with its column on event and session rows (entry and exit
   * pages are the session's, joined to its events).
   */
  public static final Map<String, String> COLUMNS = Map.ofEntries(
      Map.entry(PAGE, "pathname"),
      Map.entry("visit:source", "referrer_source"),
      Map.entry("visit:referrer", "referrer"),
      Map.entry("visit:utm_source", "utm_source"),
      Map.entry("visit:utm_medium", "utm_medium"),
      Map.entry("visit:utm_campaign", "utm_campaign"),
      Map.entry("visit:country", "country"),
      Map.entry("visit:region", "region"),
      Map.entry("visit:city", "city"),
      Map.entry("visit:device", "device"),
      Map.entry("visit:browser", "browser"),
      Map.entry("visit:os", "os"),
      Map.entry(ENTRY_PAGE, "entry_page"),
      Map.entry(EXIT_PAGE, "exit_page"));

  /** The visit attributes read from event rows (all dimensions but the page and the session's pages). */
  public static final List<String> VISIT_COLUMNS = COLUMNS.entrySet().stream()
      .filter(e -> !e.getKey().equals(PAGE) && !e.getKey().equals(ENTRY_PAGE) && !e.getKey().equals(EXIT_PAGE))
      .map(Map.Entry::getValue).sorted().toList();

  private Rollups() {}

  /** True for a dimension that has rollup rows. */
  public static boolean has(String dimension) {
    return TOTAL.equals(dimension) || COLUMNS.containsKey(dimension);
  }

  /**
   * The recorded builds of this version: columns built_day (text; not aliased to day, which
   * ClickHouse would then read in conditions on day), events_seen, crossing_in, crossing_out and
   * build (the build's rows carry the same, so readers take exactly the recorded build's rows).
   */
  public static String builds(SqlDialect dialect) {
    String from = dialect == SqlDialect.CLICKHOUSE ? BUILDS_TABLE + " FINAL WHERE built = 1 AND" : BUILDS_TABLE + " WHERE";
    return "SELECT " + dayText(dialect, "day") + " AS built_day, events_seen, crossing_in, crossing_out, build FROM "
        + from + " rollup_version = " + VERSION;
  }

  /**
   * A new build's number, which orders builds (and unbuilt marks) of a day by time and tells two
   * apart: the clock's milliseconds times a million plus a random number below a million, so two
   * writers building one day in the same millisecond still write different numbers.
   */
  public static long newBuild(long nowMillis) {
    return nowMillis * 1_000_000L + java.util.concurrent.ThreadLocalRandom.current().nextLong(1_000_000L);
  }

  /**
   * Element {@code index} (from 0) of a day row's visitors_before or visitors_from text, as a
   * number; 0 on hour rows (ClickHouse evaluates every branch of a CASE on every row).
   */
  public static String hourCount(SqlDialect dialect, String column, int index) {
    return dialect == SqlDialect.CLICKHOUSE ? "toInt64OrZero(splitByChar(',', " + column + ")[" + (index + 1) + "])"
        : "coalesce(TRY_CAST(string_split(" + column + ", ',')[" + (index + 1) + "] AS BIGINT), 0)";
  }

  /** A date column as ISO text. */
  public static String dayText(SqlDialect dialect, String column) {
    return dialect == SqlDialect.CLICKHOUSE ? "toString(" + column + ")" : "strftime(" + column + ", '%Y-%m-%d')";
  }

  /** A date literal. */
  public static String dayLiteral(SqlDialect dialect, java.time.LocalDate day) {
    return dialect == SqlDialect.CLICKHOUSE ? "toDate('" + day + "')" : "DATE '" + day + "'";
  }

  /** Integer division of an epoch-ms expression by a bucket length. */
  public static String bucket(SqlDialect dialect, String millis, long length) {
    return dialect == SqlDialect.CLICKHOUSE ? "intDiv(" + millis + ", " + length + ")" : "(" + millis + " // " + length + ")";
  }
}

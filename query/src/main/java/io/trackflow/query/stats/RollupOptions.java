package io.trackflow.query.stats;

import java.util.Locale;

/**
 * Whether stats answer from the rollups (docs/stats.md, "Rollups"): {@code auto} where the range
 * holds at least {@code minSessions} sessions (smaller answers are cheap raw and stay exact),
 * {@code always} wherever the rollups can answer (tests, benchmarks), {@code never}.
 */
public record RollupOptions(Mode mode, long minSessions) {

  /** How stats use the rollups. */
  public enum Mode {
    AUTO, ALWAYS, NEVER
  }

  /** As configured by default (docs/stats.md, "Rollups", says why this many). */
  public static final long DEFAULT_MIN_SESSIONS = 1_000_000;
  /**
   * Off by default: on ClickHouse an answer from the rollups measured slower than the raw one at
   * every size benched so far (docs/benchmarks.md, "Query latency").
   */
  public static final RollupOptions DEFAULT = new RollupOptions(Mode.NEVER, DEFAULT_MIN_SESSIONS);

  /** The mode by its configured name; an unknown name is an IllegalArgumentException naming the choices. */
  public static RollupOptions of(String mode, long minSessions) {
    try {
      return new RollupOptions(Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT)), minSessions);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("stats rollups must be auto, always or never, not '" + mode + "'");
    }
  }

  /**
   * From the system properties {@code trackflow.stats.rollups} and {@code
   * trackflow.stats.rollups.min.sessions} (for code that builds a {@link StatsService} without
   * configuration, like the query benchmark), else the defaults.
   */
  public static RollupOptions fromSystemProperties() {
    return of(System.getProperty("trackflow.stats.rollups", "never"),
        Long.getLong("trackflow.stats.rollups.min.sessions", DEFAULT_MIN_SESSIONS));
  }
}

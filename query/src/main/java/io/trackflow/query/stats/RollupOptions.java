package io.trackflow.query.stats;

import java.util.Locale;

/**
 * Whether stats answer from the rollups (docs/stats.md, "Rollups"): {@code auto} where the range
 * holds at least {@code minSessions} sessions (smaller answers read the raw tables), {@code
 * always} wherever the rollups can answer, {@code never}.
 */
public record RollupOptions(Mode mode, long minSessions) {

  /** How stats use the rollups. */
  public enum Mode {
    AUTO, ALWAYS, NEVER
  }

  /**
   * As configured by default: the rollups answered the dashboard faster on both stores for a
   * site with 341,000 sessions in the range, and slower on DuckDB for one with 34,000
   * (docs/benchmarks.md); the turn lies between.
   */
  public static final long DEFAULT_MIN_SESSIONS = 100_000;
  /** Large ranges from the rollups, small ones raw: answers are exact either way. */
  public static final RollupOptions DEFAULT = new RollupOptions(Mode.AUTO, DEFAULT_MIN_SESSIONS);

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
    return of(System.getProperty("trackflow.stats.rollups", DEFAULT.mode().name()),
        Long.getLong("trackflow.stats.rollups.min.sessions", DEFAULT_MIN_SESSIONS));
  }
}

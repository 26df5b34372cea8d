package io.trackflow.query.stats;

import java.util.Arrays;
import java.util.Optional;

/**
 * The metrics the stats API computes. Each is computed at one level: over matching events, over
 * matching sessions, over matching engagement pings, or derived in Java from other queries.
 */
public enum Metric {
  VISITORS("visitors", Level.EVENT),
  VISITS("visits", Level.EVENT),
  PAGEVIEWS("pageviews", Level.EVENT),
  EVENTS("events", Level.EVENT),
  VIEWS_PER_VISIT("views_per_visit", Level.SESSION),
  BOUNCE_RATE("bounce_rate", Level.SESSION),
  VISIT_DURATION("visit_duration", Level.SESSION),
  PERCENTAGE("percentage", Level.DERIVED),
  CONVERSION_RATE("conversion_rate", Level.DERIVED),
  TOTAL_REVENUE("total_revenue", Level.EVENT),
  AVERAGE_REVENUE("average_revenue", Level.EVENT),
  SCROLL_DEPTH("scroll_depth", Level.ENGAGEMENT),
  TIME_ON_PAGE("time_on_page", Level.ENGAGEMENT);

  /** Where a metric's value comes from. */
  public enum Level {
    EVENT, SESSION, DERIVED,
    /** The engagement pings the tracker sends when a page is left or hidden. */
    ENGAGEMENT
  }

  private final String apiName;
  private final Level level;

  Metric(String apiName, Level level) {
    this.apiName = apiName;
    this.level = level;
  }

  public String apiName() {
    return apiName;
  }

  public Level level() {
    return level;
  }

  public static Optional<Metric> byName(String name) {
    return Arrays.stream(values()).filter(m -> m.apiName.equals(name)).findFirst();
  }
}

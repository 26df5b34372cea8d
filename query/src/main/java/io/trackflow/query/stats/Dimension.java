package io.trackflow.query.stats;

import java.util.Optional;

/**
 * A dimension a query groups or filters by: an event property, a visit (session) attribute, a
 * custom property of the event, or a time bucket.
 *
 * @param name the API name, e.g. {@code visit:source} or {@code event:props:plan}
 * @param kind how its value is obtained
 * @param propKey the custom property's key, only for {@link Kind#EVENT_PROP}
 */
public record Dimension(String name, Kind kind, String propKey) {

  /** The site's configured goals: a conversion's goal name (display name). */
  public static final String GOAL = "event:goal";

  /** Which level a dimension lives on. */
  public enum Kind {
    EVENT, EVENT_PROP, VISIT, TIME;

    boolean eventLevel() {
      return this == EVENT || this == EVENT_PROP;
    }
  }

  /** Time buckets, labelled in the site's time zone. */
  public enum TimeGrain {
    HOUR, DAY, WEEK, MONTH
  }

  private static final java.util.Map<String, Kind> FIXED = java.util.Map.ofEntries(
      java.util.Map.entry("event:page", Kind.EVENT),
      java.util.Map.entry("event:name", Kind.EVENT),
      java.util.Map.entry("event:hostname", Kind.EVENT),
      // The viewport class each event was sent from (a visitor can resize between pages).
      java.util.Map.entry("event:screen_size", Kind.EVENT),
      java.util.Map.entry(GOAL, Kind.EVENT),
      java.util.Map.entry("visit:entry_page", Kind.VISIT),
      java.util.Map.entry("visit:exit_page", Kind.VISIT),
      java.util.Map.entry("visit:source", Kind.VISIT),
      java.util.Map.entry("visit:referrer", Kind.VISIT),
      java.util.Map.entry("visit:utm_source", Kind.VISIT),
      java.util.Map.entry("visit:utm_medium", Kind.VISIT),
      java.util.Map.entry("visit:utm_campaign", Kind.VISIT),
      java.util.Map.entry("visit:utm_term", Kind.VISIT),
      java.util.Map.entry("visit:utm_content", Kind.VISIT),
      java.util.Map.entry("visit:country", Kind.VISIT),
      java.util.Map.entry("visit:region", Kind.VISIT),
      java.util.Map.entry("visit:city", Kind.VISIT),
      java.util.Map.entry("visit:device", Kind.VISIT),
      java.util.Map.entry("visit:browser", Kind.VISIT),
      java.util.Map.entry("visit:browser_version", Kind.VISIT),
      java.util.Map.entry("visit:os", Kind.VISIT),
      java.util.Map.entry("visit:os_version", Kind.VISIT),
      java.util.Map.entry("time:hour", Kind.TIME),
      java.util.Map.entry("time:day", Kind.TIME),
      java.util.Map.entry("time:week", Kind.TIME),
      java.util.Map.entry("time:month", Kind.TIME));

  /**
   * What Plausible's Stats API shows for an empty visit attribute, so its clients read the same
   * answers: direct traffic has no source or referrer, and an attribute nobody sent is not set.
   */
  private static final java.util.Map<String, String> EMPTY_LABELS = java.util.Map.ofEntries(
      java.util.Map.entry("visit:source", "Direct / None"),
      java.util.Map.entry("visit:referrer", "Direct / None"),
      java.util.Map.entry("visit:utm_source", "(not set)"),
      java.util.Map.entry("visit:utm_medium", "(not set)"),
      java.util.Map.entry("visit:utm_campaign", "(not set)"),
      java.util.Map.entry("visit:utm_term", "(not set)"),
      java.util.Map.entry("visit:utm_content", "(not set)"),
      java.util.Map.entry("visit:device", "(not set)"),
      java.util.Map.entry("visit:browser", "(not set)"),
      java.util.Map.entry("visit:browser_version", "(not set)"),
      java.util.Map.entry("visit:os", "(not set)"),
      java.util.Map.entry("visit:os_version", "(not set)"),
      java.util.Map.entry("event:screen_size", "(not set)"));

  /** The longest custom property key accepted (the tracker enforces the same bound). */
  static final int MAX_PROP_KEY = 300;

  static final String PROPS_PREFIX = "event:props:";

  /** Parses an API dimension name; empty when it is not one. */
  public static Optional<Dimension> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    Kind kind = FIXED.get(name);
    if (kind != null) {
      return Optional.of(new Dimension(name, kind, null));
    }
    if (name.startsWith(PROPS_PREFIX)) {
      String key = name.substring(PROPS_PREFIX.length());
      if (!key.isEmpty() && key.length() <= MAX_PROP_KEY) {
        return Optional.of(new Dimension(name, Kind.EVENT_PROP, key));
      }
    }
    return Optional.empty();
  }

  public boolean isTime() {
    return kind == Kind.TIME;
  }

  public boolean isVisit() {
    return kind == Kind.VISIT;
  }

  public boolean isEvent() {
    return kind.eventLevel();
  }

  /** The goal dimension: one event may convert several goals, so it may count in several groups. */
  public boolean isGoal() {
    return name.equals(GOAL);
  }

  /**
   * The value answers carry (and filters compare) in place of an empty one, or null where an
   * empty value is shown as it is.
   */
  public String emptyLabel() {
    return EMPTY_LABELS.get(name);
  }

  /** The grain of a time dimension. */
  public TimeGrain grain() {
    if (kind != Kind.TIME) {
      throw new IllegalStateException(name + " is not a time dimension");
    }
    return TimeGrain.valueOf(name.substring("time:".length()).toUpperCase(java.util.Locale.ROOT));
  }
}

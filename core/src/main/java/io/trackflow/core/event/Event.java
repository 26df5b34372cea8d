package io.trackflow.core.event;

import java.util.List;
import java.util.Objects;

/**
 * One enriched analytics event, as published to the queue and stored as one row.
 *
 * <p>Strings are never null (empty means unknown) so that both stores and the codec treat them
 * alike. Props are parallel key/value lists because ClickHouse 18.16 has no Map type. The
 * referrer, its source and the UTM tags are the visit's (its session's first event's), and
 * {@code session} holds the session's totals as of this event, both set by the collector from
 * the session store so that stores derive the sessions table without reading older events.
 * Revenue is an exact decimal in millionths of the currency's unit ({@code revenueMicros}) with
 * its ISO 4217 code, or no currency ({@code ""}) when the event carries none.
 */
public record Event(
    long eventId,
    String site,
    long timestampMillis,
    String name,
    String hostname,
    String pathname,
    String referrer,
    String referrerSource,
    String utmSource,
    String utmMedium,
    String utmCampaign,
    String utmTerm,
    String utmContent,
    long visitorId,
    long sessionId,
    String browser,
    String browserVersion,
    String os,
    String osVersion,
    String device,
    String country,
    String region,
    String city,
    String screenSize,
    List<String> propKeys,
    List<String> propValues,
    boolean interactive,
    int scrollDepth,
    long engagementMillis,
    SessionTotals session,
    long revenueMicros,
    String revenueCurrency) {

  /** The name of pageview events. */
  public static final String PAGEVIEW = "pageview";

  /** The name of engagement pings, which never count as pageviews or custom events. */
  public static final String ENGAGEMENT = "engagement";

  public Event {
    site = nonNull(site);
    name = nonNull(name);
    hostname = nonNull(hostname);
    pathname = nonNull(pathname);
    referrer = nonNull(referrer);
    referrerSource = nonNull(referrerSource);
    utmSource = nonNull(utmSource);
    utmMedium = nonNull(utmMedium);
    utmCampaign = nonNull(utmCampaign);
    utmTerm = nonNull(utmTerm);
    utmContent = nonNull(utmContent);
    browser = nonNull(browser);
    browserVersion = nonNull(browserVersion);
    os = nonNull(os);
    osVersion = nonNull(osVersion);
    device = nonNull(device);
    country = nonNull(country);
    region = nonNull(region);
    city = nonNull(city);
    screenSize = nonNull(screenSize);
    revenueCurrency = nonNull(revenueCurrency);
    propKeys = propKeys == null ? List.of() : List.copyOf(propKeys);
    propValues = propValues == null ? List.of() : List.copyOf(propValues);
    session = Objects.requireNonNullElse(session, SessionTotals.NONE);
    if (propKeys.size() != propValues.size()) {
      throw new IllegalArgumentException("props keys and values differ in length");
    }
  }

  public boolean isPageview() {
    return PAGEVIEW.equals(name);
  }

  public boolean isEngagement() {
    return ENGAGEMENT.equals(name);
  }

  /** The visit's referrer, source name and UTM tags. */
  public VisitSource visitSource() {
    return new VisitSource(referrer, referrerSource, utmSource, utmMedium, utmCampaign, utmTerm,
        utmContent);
  }

  /** The same event carrying the given session id, visit source and totals. */
  public Event withSession(long id, VisitSource source, SessionTotals totals) {
    return new Event(eventId, site, timestampMillis, name, hostname, pathname, source.referrer(),
        source.referrerSource(), source.utmSource(), source.utmMedium(), source.utmCampaign(),
        source.utmTerm(), source.utmContent(), visitorId, id, browser, browserVersion, os,
        osVersion, device, country, region, city, screenSize, propKeys, propValues, interactive,
        scrollDepth, engagementMillis, totals, revenueMicros, revenueCurrency);
  }

  /** Whether the event carries revenue ({@code revenue} of Plausible's events API). */
  public boolean hasRevenue() {
    return !revenueCurrency.isEmpty();
  }

  /** Value of the given prop, or null when absent. */
  public String prop(String key) {
    int index = propKeys.indexOf(key);
    return index < 0 ? null : propValues.get(index);
  }

  private static String nonNull(String value) {
    return Objects.requireNonNullElse(value, "");
  }

  /** Starts a builder with every string empty, handy for tests and the enrichment pipeline. */
  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder; the pipeline fills it step by step and builds the immutable event once. */
  public static final class Builder {
    private long eventId;
    private String site = "";
    private long timestampMillis;
    private String name = PAGEVIEW;
    private String hostname = "";
    private String pathname = "";
    private String referrer = "";
    private String referrerSource = "";
    private String utmSource = "";
    private String utmMedium = "";
    private String utmCampaign = "";
    private String utmTerm = "";
    private String utmContent = "";
    private long visitorId;
    private long sessionId;
    private String browser = "";
    private String browserVersion = "";
    private String os = "";
    private String osVersion = "";
    private String device = "";
    private String country = "";
    private String region = "";
    private String city = "";
    private String screenSize = "";
    private List<String> propKeys = List.of();
    private List<String> propValues = List.of();
    private boolean interactive = true;
    private int scrollDepth;
    private long engagementMillis;
    private SessionTotals session = SessionTotals.NONE;
    private long revenueMicros;
    private String revenueCurrency = "";

    public Builder eventId(long v) { eventId = v; return this; }
    public Builder site(String v) { site = v; return this; }
    public Builder timestampMillis(long v) { timestampMillis = v; return this; }
    public Builder name(String v) { name = v; return this; }
    public Builder hostname(String v) { hostname = v; return this; }
    public Builder pathname(String v) { pathname = v; return this; }
    public Builder referrer(String v) { referrer = v; return this; }
    public Builder referrerSource(String v) { referrerSource = v; return this; }
    public Builder utmSource(String v) { utmSource = v; return this; }
    public Builder utmMedium(String v) { utmMedium = v; return this; }
    public Builder utmCampaign(String v) { utmCampaign = v; return this; }
    public Builder utmTerm(String v) { utmTerm = v; return this; }
    public Builder utmContent(String v) { utmContent = v; return this; }
    public Builder visitorId(long v) { visitorId = v; return this; }
    public Builder sessionId(long v) { sessionId = v; return this; }
    public Builder browser(String v) { browser = v; return this; }
    public Builder browserVersion(String v) { browserVersion = v; return this; }
    public Builder os(String v) { os = v; return this; }
    public Builder osVersion(String v) { osVersion = v; return this; }
    public Builder device(String v) { device = v; return this; }
    public Builder country(String v) { country = v; return this; }
    public Builder region(String v) { region = v; return this; }
    public Builder city(String v) { city = v; return this; }
    public Builder screenSize(String v) { screenSize = v; return this; }
    public Builder props(List<String> keys, List<String> values) { propKeys = keys; propValues = values; return this; }
    public Builder interactive(boolean v) { interactive = v; return this; }
    public Builder scrollDepth(int v) { scrollDepth = v; return this; }
    public Builder engagementMillis(long v) { engagementMillis = v; return this; }
    public Builder session(SessionTotals v) { session = v; return this; }
    /** Revenue in millionths of the currency's unit, with its ISO 4217 code. */
    public Builder revenue(long micros, String currency) { revenueMicros = micros; revenueCurrency = currency; return this; }
    public Builder visitSource(VisitSource v) {
      referrer = v.referrer();
      referrerSource = v.referrerSource();
      utmSource = v.utmSource();
      utmMedium = v.utmMedium();
      utmCampaign = v.utmCampaign();
      utmTerm = v.utmTerm();
      utmContent = v.utmContent();
      return this;
    }

    public long eventId() { return eventId; }
    public String site() { return site; }
    public long timestampMillis() { return timestampMillis; }
    public String name() { return name; }
    public String pathname() { return pathname; }
    public boolean interactive() { return interactive; }
    public VisitSource visitSource() {
      return new VisitSource(referrer, referrerSource, utmSource, utmMedium, utmCampaign, utmTerm,
          utmContent);
    }

    public Event build() {
      return new Event(eventId, site, timestampMillis, name, hostname, pathname, referrer,
          referrerSource, utmSource, utmMedium, utmCampaign, utmTerm, utmContent, visitorId,
          sessionId, browser, browserVersion, os, osVersion, device, country, region, city, screenSize,
          propKeys, propValues, interactive, scrollDepth, engagementMillis, session, revenueMicros, revenueCurrency);
    }
  }
}

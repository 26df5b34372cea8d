package io.trackflow.collector;

import io.trackflow.collector.enrich.GeoLocator;
import io.trackflow.collector.enrich.ReferrerSources;
import io.trackflow.collector.enrich.UserAgentParser;
import io.trackflow.collector.http.TrackerScript;
import java.util.Objects;
import java.util.Optional;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * The enrichment resources for tests. Yauaa's analyzer takes seconds and ~130 MB to build, so
 * one per test JVM is shared (it is immutable); everything of ours around it (the user agent
 * parser and its result cache, the country database reader, the referrer list) is built anew on
 * each call. Mutation testing (docs/testing.md) needs that: a result computed once and kept in a
 * static would hide every later change to the code that computed it.
 */
public final class TestEnrichers {

  private static UserAgentAnalyzer analyzer;
  private static Optional<TrackerScript> trackerScript;

  private TestEnrichers() {}

  /** A fresh set of enrichers over the shared analyzer; hold it for as long as a test needs it. */
  public static Enrichers get() {
    ClassLoader loader = TestEnrichers.class.getClassLoader();
    return new Enrichers(userAgents(),
        GeoLocator.load(loader, GeoLocator.DEFAULT_RESOURCE),
        ReferrerSources.load(loader, ReferrerSources.DEFAULT_RESOURCE),
        tracker(loader));
  }

  /** A user agent parser with an empty cache over the shared analyzer. */
  public static UserAgentParser userAgents() {
    return UserAgentParser.over(sharedAnalyzer(), 10_000);
  }

  private static synchronized UserAgentAnalyzer sharedAnalyzer() {
    if (analyzer == null) {
      // Kept only once built: a failed build is retried rather than shared.
      analyzer = Objects.requireNonNull(UserAgentParser.analyzer(), "user agent analyzer");
    }
    return analyzer;
  }

  private static synchronized Optional<TrackerScript> tracker(ClassLoader loader) {
    if (trackerScript == null) {
      trackerScript = TrackerScript.load(loader, "test-tracker.js");
    }
    return trackerScript;
  }
}

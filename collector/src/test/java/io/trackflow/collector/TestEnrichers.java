package io.trackflow.collector;

import io.trackflow.collector.enrich.GeoLocator;
import io.trackflow.collector.enrich.ReferrerSources;
import io.trackflow.collector.enrich.UserAgentParser;
import io.trackflow.collector.http.TrackerScript;

/**
 * The heavy enrichment resources, built once per test JVM: the user agent analyzer takes seconds
 * and ~130 MB, so every test class shares one (it is immutable once built).
 */
public final class TestEnrichers {

  private static Enrichers shared;

  private TestEnrichers() {}

  public static synchronized Enrichers get() {
    if (shared == null) {
      ClassLoader loader = TestEnrichers.class.getClassLoader();
      shared = new Enrichers(UserAgentParser.build(10_000),
          GeoLocator.load(loader, GeoLocator.DEFAULT_RESOURCE),
          ReferrerSources.load(loader, ReferrerSources.DEFAULT_RESOURCE),
          TrackerScript.load(loader, "test-tracker.js"));
    }
    return shared;
  }
}

package io.trackflow.collector;

import io.trackflow.collector.enrich.GeoLocator;
import io.trackflow.collector.enrich.ReferrerSources;
import io.trackflow.collector.enrich.UserAgentParser;
import io.trackflow.collector.http.TrackerScript;
import io.trackflow.core.config.ConfigException;
import io.trackflow.core.config.Setting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The collector's heavy, read-only resources: the user agent analyzer, the country (and, when
 * configured, city) database, the referrer list and the compressed tracker. Built once per process, off the event loop.
 */
public record Enrichers(
    UserAgentParser userAgents, GeoLocator geo, ReferrerSources referrers,
    Optional<TrackerScript> trackerScript) {

  /** Builds everything from the classpath on worker threads, in parallel. */
  public static Future<Enrichers> load(Vertx vertx, Optional<Path> cityDatabase) {
    ClassLoader loader = Enrichers.class.getClassLoader();
    Future<UserAgentParser> ua = vertx.executeBlocking(() -> UserAgentParser.build(20_000), false);
    Future<GeoLocator> geo = vertx.executeBlocking(() -> {
      if (cityDatabase.isEmpty()) {
        return GeoLocator.load(loader, GeoLocator.DEFAULT_RESOURCE);
      }
      try {
        return GeoLocator.load(loader, GeoLocator.DEFAULT_RESOURCE, cityDatabase.get());
      } catch (IOException e) {
        throw new ConfigException(Setting.GEO_CITY_DB.env() + ": " + e.getMessage());
      }
    }, false);
    Future<Optional<TrackerScript>> script = vertx.executeBlocking(
        () -> TrackerScript.load(loader, TrackerScript.DEFAULT_RESOURCE), false);
    Future<ReferrerSources> referrers = vertx.executeBlocking(
        () -> ReferrerSources.load(loader, ReferrerSources.DEFAULT_RESOURCE), false);
    return Future.all(ua, geo, script, referrers)
        .map(v -> new Enrichers(ua.result(), geo.result(), referrers.result(), script.result()));
  }
}

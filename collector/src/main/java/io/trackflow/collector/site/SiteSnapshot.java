package io.trackflow.collector.site;

import io.trackflow.core.site.SiteDirectory;
import io.trackflow.core.site.SiteInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's in-memory copy of the site list: read on every hit without a store round
 * trip, refreshed when the directory signals a change and every few seconds regardless.
 */
public final class SiteSnapshot {

  private static final Logger log = LoggerFactory.getLogger(SiteSnapshot.class);

  private final SiteDirectory directory;
  // canonical form → the domain exactly as registered (events carry the registered one)
  private volatile Map<String, String> domains = Map.of();
  // registered domains of the sites that honour privacy signals
  private volatile Set<String> privacySignals = Set.of();
  private volatile boolean loaded;
  private Vertx vertx;
  private long timer = -1;

  /** @param directory the site list; null means none is configured and every domain is accepted */
  public SiteSnapshot(SiteDirectory directory) {
    this.directory = directory;
  }

  /** Loads the list, then refreshes it every {@code refreshMillis} and on change. */
  public Future<Void> start(Vertx vertx, long refreshMillis) {
    this.vertx = vertx;
    if (directory == null) {
      log.warn("No site directory is configured: the collector accepts hits for any domain");
      loaded = true;
      return Future.succeededFuture();
    }
    directory.onChange(() -> vertx.runOnContext(v -> refresh()));
    return refresh().onSuccess(v -> timer = vertx.setPeriodic(refreshMillis, id -> refresh()));
  }

  public void stop() {
    if (timer >= 0 && vertx != null) {
      vertx.cancelTimer(timer);
    }
  }

  /** Reloads the list; on failure the previous copy stays in use. */
  public Future<Void> refresh() {
    return directory.listSites()
        .map(sites -> {
          domains = normalise(sites);
          privacySignals = sites.stream().filter(SiteInfo::privacySignals).map(SiteInfo::domain)
              .collect(Collectors.toUnmodifiableSet());
          loaded = true;
          return (Void) null;
        })
        .recover(e -> {
          log.warn("Could not refresh the site list ({}); keeping {} known sites", e.toString(),
              domains.size());
          return loaded ? Future.succeededFuture() : Future.failedFuture(e);
        });
  }

  /**
   * The registered site a hit's domain names, or null. Matching ignores case, a trailing dot and
   * a leading {@code www.} on either side.
   */
  public String resolve(String domain) {
    String d = canonical(domain);
    if (directory == null) {
      return d;
    }
    return domains.get(d);
  }

  /** True when the registered site asks for DNT and GPC to be honoured. */
  public boolean honoursPrivacySignals(String site) {
    return privacySignals.contains(site);
  }

  public boolean loaded() {
    return loaded;
  }

  public int size() {
    return domains.size();
  }

  private static Map<String, String> normalise(List<SiteInfo> sites) {
    Map<String, String> map = new HashMap<>();
    for (SiteInfo s : sites) {
      map.put(canonical(s.domain()), s.domain());
    }
    return Map.copyOf(map);
  }

  static String canonical(String domain) {
    String d = domain.trim().toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    return d.startsWith("www.") ? d.substring(4) : d;
  }
}

package io.trackflow.core.site;

import io.vertx.core.Future;
import java.util.List;

/** Site list port: the sites that exist, as the collector needs them to accept hits. */
public interface SiteDirectory {

  /** A full snapshot of the sites. */
  Future<List<SiteInfo>> listSites();

  /**
   * Registers a callback run soon after sites change (new, deleted, time zone changed). Best
   * effort: collectors also refresh periodically.
   */
  default void onChange(Runnable listener) {}
}

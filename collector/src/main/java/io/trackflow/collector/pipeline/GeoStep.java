package io.trackflow.collector.pipeline;

import io.trackflow.collector.enrich.GeoLocator;

/** Country from the client IP; the IP itself goes no further than this and the visitor id. */
public final class GeoStep implements Step {

  private final GeoLocator geo;

  public GeoStep(GeoLocator geo) {
    this.geo = geo;
  }

  @Override
  public String name() {
    return "geo";
  }

  @Override
  public DropReason apply(Hit hit) {
    hit.event.country(geo.country(hit.clientIp));
    return null;
  }
}

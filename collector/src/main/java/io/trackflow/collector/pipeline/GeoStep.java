package io.trackflow.collector.pipeline;

import io.trackflow.collector.enrich.GeoLocator;

/**
 * Country, region and city from the client IP; the IP itself goes no further than this and the
 * visitor id.
 */
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
    GeoLocator.Place place = geo.locate(hit.clientIp);
    hit.event.country(place.country()).region(place.region()).city(place.city());
    return null;
  }
}

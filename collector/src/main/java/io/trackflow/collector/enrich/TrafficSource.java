package io.trackflow.collector.enrich;

/** Where a pageview came from and which page it was, as stored on the event. */
public record TrafficSource(
    String hostname, String pathname, String referrer, String referrerSource,
    String utmSource, String utmMedium, String utmCampaign, String utmTerm, String utmContent) {}

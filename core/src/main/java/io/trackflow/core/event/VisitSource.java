package io.trackflow.core.event;

import java.util.Objects;

/**
 * Where a visit came from: the referrer, its source name and the UTM tags of the session's
 * first event. Every event of a session carries its session's, so visit breakdowns of events
 * need no join.
 */
public record VisitSource(String referrer, String referrerSource, String utmSource,
    String utmMedium, String utmCampaign, String utmTerm, String utmContent) {

  /** Direct traffic: no referrer, no tags. */
  public static final VisitSource DIRECT = new VisitSource("", "", "", "", "", "", "");

  public VisitSource {
    referrer = Objects.requireNonNullElse(referrer, "");
    referrerSource = Objects.requireNonNullElse(referrerSource, "");
    utmSource = Objects.requireNonNullElse(utmSource, "");
    utmMedium = Objects.requireNonNullElse(utmMedium, "");
    utmCampaign = Objects.requireNonNullElse(utmCampaign, "");
    utmTerm = Objects.requireNonNullElse(utmTerm, "");
    utmContent = Objects.requireNonNullElse(utmContent, "");
  }
}

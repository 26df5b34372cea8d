package io.trackflow.collector.pipeline;

import io.trackflow.collector.enrich.SourceResolver;
import io.trackflow.collector.enrich.TrafficSource;

/** Page host and path, referrer, source and UTM tags. */
public final class SourceStep implements Step {

  private final SourceResolver resolver;

  public SourceStep(SourceResolver resolver) {
    this.resolver = resolver;
  }

  @Override
  public String name() {
    return "source";
  }

  @Override
  public DropReason apply(Hit hit) {
    TrafficSource s = resolver.resolve(hit.page, hit.referrer, hit.hashRouting);
    hit.event.hostname(s.hostname()).pathname(s.pathname()).referrer(s.referrer())
        .referrerSource(s.referrerSource()).utmSource(s.utmSource()).utmMedium(s.utmMedium())
        .utmCampaign(s.utmCampaign()).utmTerm(s.utmTerm()).utmContent(s.utmContent());
    return null;
  }
}

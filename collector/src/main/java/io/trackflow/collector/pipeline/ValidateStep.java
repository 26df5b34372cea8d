package io.trackflow.collector.pipeline;

import io.trackflow.collector.enrich.PageUrl;

/** Checks presence and every size limit; each violation has its own reason. */
public final class ValidateStep implements Step {

  private final Limits limits;

  public ValidateStep(Limits limits) {
    this.limits = limits;
  }

  @Override
  public String name() {
    return "validate";
  }

  @Override
  public DropReason apply(Hit hit) {
    if (hit.domain == null || hit.domain.isEmpty()) {
      return DropReason.MISSING_DOMAIN;
    }
    if (hit.domain.length() > limits.maxDomain() || hit.domain.indexOf(' ') >= 0) {
      return DropReason.INVALID_DOMAIN;
    }
    if (hit.url == null || hit.url.isEmpty()) {
      return DropReason.MISSING_URL;
    }
    if (hit.url.length() > limits.maxUrl()) {
      return DropReason.URL_TOO_LONG;
    }
    hit.page = PageUrl.parse(hit.url);
    if (hit.page == null) {
      return DropReason.INVALID_URL;
    }
    if (hit.referrer.length() > limits.maxReferrer()) {
      return DropReason.REFERRER_TOO_LONG;
    }
    if (hit.name.length() > limits.maxName()) {
      return DropReason.NAME_TOO_LONG;
    }
    if (hit.propKeys.size() > limits.maxProps()) {
      return DropReason.TOO_MANY_PROPS;
    }
    for (int i = 0; i < hit.propKeys.size(); i++) {
      if (hit.propKeys.get(i).length() > limits.maxPropKey()) {
        return DropReason.PROP_KEY_TOO_LONG;
      }
      if (hit.propValues.get(i).length() > limits.maxPropValue()) {
        return DropReason.PROP_VALUE_TOO_LONG;
      }
    }
    if (hit.screenWidth > limits.maxScreenWidth()) {
      return DropReason.INVALID_SCREEN_WIDTH;
    }
    if (hit.clientId != null && hit.clientId.length() > limits.maxId()) {
      return DropReason.INVALID_ID;
    }
    if (hit.engagedMillis > limits.maxEngagedMillis()) {
      return DropReason.INVALID_ENGAGEMENT;
    }
    return null;
  }
}

package io.trackflow.collector.pipeline;

import io.trackflow.collector.enrich.UserAgentInfo;
import io.trackflow.collector.enrich.UserAgentParser;

/** Browser, OS and device from the user agent; bots and crawlers are dropped here. */
public final class UserAgentStep implements Step {

  private final UserAgentParser parser;

  public UserAgentStep(UserAgentParser parser) {
    this.parser = parser;
  }

  @Override
  public String name() {
    return "user-agent";
  }

  @Override
  public DropReason apply(Hit hit) {
    UserAgentInfo ua = parser.parse(hit.userAgent);
    if (ua.bot()) {
      return DropReason.BOT;
    }
    hit.event.browser(ua.browser()).browserVersion(ua.browserVersion())
        .os(ua.os()).osVersion(ua.osVersion()).device(ua.device());
    return null;
  }
}

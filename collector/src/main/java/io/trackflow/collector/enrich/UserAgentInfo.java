package io.trackflow.collector.enrich;

/** What the collector keeps of a user agent, in the names analytics users read. */
public record UserAgentInfo(
    String browser, String browserVersion, String os, String osVersion, String device, boolean bot) {

  public static final UserAgentInfo BOT = new UserAgentInfo("", "", "", "", "", true);
}

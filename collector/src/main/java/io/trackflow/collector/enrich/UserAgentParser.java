package io.trackflow.collector.enrich;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * User agent → browser, OS, device and bot flag, with Yauaa. Building the analyzer takes seconds
 * and ~130 MB, so it is built once per process, off the event loop, with only the fields used; a
 * bounded cache of mapped results sits in front (an unseen agent costs tens of microseconds, a
 * cached one a map look-up).
 */
public final class UserAgentParser {

  private static final String AGENT_NAME = "AgentName";
  private static final String AGENT_VERSION = "AgentVersionMajor";
  private static final String OS_NAME = "OperatingSystemName";
  private static final String OS_VERSION = "OperatingSystemVersionMajor";
  private static final String DEVICE_CLASS = "DeviceClass";

  /** Yauaa's device classes that mean an automated client. */
  private static final Set<String> BOT_CLASSES =
      Set.of("Robot", "Robot Mobile", "Robot Imitator", "Hacker", "Spy");
  private static final Set<String> MOBILE_CLASSES =
      Set.of("Phone", "Mobile", "Watch", "Handheld Game Console");
  private static final Set<String> TABLET_CLASSES = Set.of("Tablet", "eReader");
  private static final Set<String> UNKNOWN = Set.of("", "??", "Unknown");

  /** Crawlers Yauaa may not classify; only consulted when it could not tell the device class. */
  private static final Pattern CRAWLER = Pattern.compile(
      "(?i)(bot\\b|crawl|spider|slurp|scrape|fetch|monitor|http-?client|python|java/|curl|wget|"
          + "headless|phantom|preview|check)");

  private static final Map<String, String> BROWSER_NAMES = Map.of(
      "SamsungBrowser", "Samsung Internet",
      "Chrome Webview", "Chrome",
      "Safari Webview", "Safari",
      "Edge Webview", "Edge");
  private static final Map<String, String> OS_NAMES = Map.of(
      "Windows NT", "Windows",
      "Mac OS", "macOS",
      "Mac OS X", "macOS",
      "Chrome OS", "ChromeOS",
      "iPadOS", "iOS");

  private final UserAgentAnalyzer analyzer;
  private final int cacheSize;
  // Mapped results of recent agents: Yauaa's own cache still builds a result object and
  // normalises header names per call, which shows on the hot path. Cleared when full: a few
  // thousand agents make nearly all traffic, so they are back within moments.
  private final ConcurrentHashMap<String, UserAgentInfo> recent = new ConcurrentHashMap<>();

  private UserAgentParser(UserAgentAnalyzer analyzer, int cacheSize) {
    this.analyzer = analyzer;
    this.cacheSize = cacheSize;
  }

  /** Builds the analyzer (blocking, seconds): call once at start-up from a worker thread. */
  public static UserAgentParser build(int cacheSize) {
    return over(analyzer(), cacheSize);
  }

  /** Yauaa's analyzer for the fields used (blocking, seconds); immutable, so it can be shared. */
  public static UserAgentAnalyzer analyzer() {
    return UserAgentAnalyzer.newBuilder()
        .hideMatcherLoadStats()
        .withoutCache() // the mapped-result cache below sits in front
        .withField(AGENT_NAME)
        .withField(AGENT_VERSION)
        .withField(OS_NAME)
        .withField(OS_VERSION)
        .withField(DEVICE_CLASS)
        .immediateInitialization()
        .build();
  }

  /** A parser over a built {@link #analyzer()}, with its own empty result cache. */
  public static UserAgentParser over(UserAgentAnalyzer analyzer, int cacheSize) {
    return new UserAgentParser(analyzer, cacheSize);
  }

  public UserAgentInfo parse(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return UserAgentInfo.BOT; // real browsers always send one
    }
    UserAgentInfo known = recent.get(userAgent);
    if (known != null) {
      return known;
    }
    UserAgentInfo parsed = analyze(userAgent);
    if (recent.size() >= cacheSize) {
      recent.clear();
    }
    recent.put(userAgent, parsed);
    return parsed;
  }

  private UserAgentInfo analyze(String userAgent) {
    UserAgent ua = analyzer.parse(userAgent);
    String deviceClass = ua.getValue(DEVICE_CLASS);
    if (BOT_CLASSES.contains(deviceClass)
        || (UNKNOWN.contains(deviceClass) && CRAWLER.matcher(userAgent).find())) {
      return UserAgentInfo.BOT;
    }
    String browser = known(ua.getValue(AGENT_NAME));
    String os = known(ua.getValue(OS_NAME));
    return new UserAgentInfo(
        BROWSER_NAMES.getOrDefault(browser, browser),
        browser.isEmpty() ? "" : version(ua.getValue(AGENT_VERSION)),
        OS_NAMES.getOrDefault(os, os),
        os.isEmpty() ? "" : version(ua.getValue(OS_VERSION)),
        device(deviceClass),
        false);
  }

  private static String device(String deviceClass) {
    if (MOBILE_CLASSES.contains(deviceClass)) {
      return "Mobile";
    }
    if (TABLET_CLASSES.contains(deviceClass)) {
      return "Tablet";
    }
    return UNKNOWN.contains(deviceClass) ? "" : "Desktop";
  }

  private static String known(String value) {
    return value == null || UNKNOWN.contains(value) ? "" : value;
  }

  /** Yauaa writes ranges it cannot narrow as {@code >=10}; keep the number. */
  private static String version(String value) {
    String v = known(value);
    return v.startsWith(">=") ? v.substring(2) : v;
  }
}

package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Hits sent to a running TrackFlow, remembered as sent, and the numbers the stats API must report
 * for them, computed here in plain Java from that record alone (never from TrackFlow's answers).
 *
 * <p>Every event a real visitor sends carries a client timestamp ({@code ts}, within the
 * collector's accepted skew): one second apart per visitor, so sessions, entry pages and visit
 * durations follow from what was sent without depending on arrival order.
 */
final class Traffic {

  /** How the stats API names the source of visits without referrer or tags, as Plausible's does. */
  static final String DIRECT = "Direct / None";

  /** How a hit travels. */
  enum Channel { PIXEL, BEACON_JSON, BEACON_TEXT }

  /** A real browser's user agent and what analytics users read for it. */
  record Agent(String userAgent, String browser, String os, String device, boolean bot) {}

  static final Agent CHROME_WINDOWS = new Agent(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
      "Chrome", "Windows", "Desktop", false);
  static final Agent FIREFOX_LINUX = new Agent(
      "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
      "Firefox", "Ubuntu", "Desktop", false);
  static final Agent SAFARI_IPHONE = new Agent(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
      "Safari", "iOS", "Mobile", false);
  static final Agent SAFARI_MAC = new Agent(
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
      "Safari", "macOS", "Desktop", false);
  static final Agent EDGE_WINDOWS = new Agent(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
      "Edge", "Windows", "Desktop", false);
  static final Agent CHROME_ANDROID = new Agent(
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
      "Chrome", "Android", "Mobile", false);
  static final Agent SAFARI_IPAD = new Agent(
      "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
      "Safari", "iOS", "Tablet", false);
  static final Agent GOOGLEBOT = new Agent(
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "", "", "", true);
  static final Agent BINGBOT = new Agent(
      "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "", "", "", true);

  /** A visitor as the collector tells them apart: client address (via the proxy) and agent. */
  static final class Visitor {
    final String ip;
    final String country;
    final Agent agent;
    private int step;

    Visitor(String ip, String country, Agent agent) {
      this.ip = ip;
      this.country = country;
      this.agent = agent;
    }

    Map<String, String> headers() {
      return Map.of("User-Agent", agent.userAgent(), "X-Forwarded-For", ip);
    }

    String key() {
      return ip + "|" + agent.userAgent();
    }
  }

  /** One event as built by a test; its timestamp is fixed when first sent. */
  static final class Ev {
    final String name;
    final String path;
    String query = "";
    String referrer = "";
    String source = DIRECT;
    final Map<String, String> props = new LinkedHashMap<>();
    JsonObject revenue;
    String id;
    boolean interactive = true;
    int scrollDepth;
    long engagedMillis;
    boolean longNames;
    Visitor visitor;
    long ts;

    private Ev(String name, String path) {
      this.name = name;
      this.path = path;
    }

    /** Came from {@code referrer}, which analytics users know as {@code source}. */
    Ev from(String referrer, String source) {
      this.referrer = referrer;
      this.source = source;
      return this;
    }

    /** Landed with tags on the URL (e.g. {@code utm_source=…}), read as {@code source}. */
    Ev tagged(String query, String source) {
      this.query = query;
      this.source = source;
      return this;
    }

    Ev prop(String key, String value) {
      props.put(key, value);
      return this;
    }

    Ev id(String id) {
      this.id = id;
      return this;
    }

    /** Carries Plausible's revenue: the amount as a decimal string, and its currency code. */
    Ev revenue(String amount, String currency) {
      this.revenue = new JsonObject().put("amount", amount).put("currency", currency);
      return this;
    }

    Ev nonInteractive() {
      this.interactive = false;
      return this;
    }

    /** Sent with Plausible's long field names (name, url, domain, referrer, props). */
    Ev plausibleNames() {
      this.longNames = true;
      return this;
    }

    boolean engagement() {
      return "engagement".equals(name);
    }

    boolean pageview() {
      return "pageview".equals(name);
    }

    /** The dedup key the collector documents: the client id, else visitor, name, page, second. */
    String dedupKey() {
      return id != null ? "id:" + id : visitor.key() + "|" + name + "|" + path + "|" + ts / 1000;
    }
  }

  static Ev pageview(String path) {
    return new Ev("pageview", path);
  }

  static Ev custom(String name, String path) {
    return new Ev(name, path);
  }

  static Ev engagement(String path, int scrollDepth, long engagedMillis) {
    Ev e = new Ev("engagement", path);
    e.scrollDepth = scrollDepth;
    e.engagedMillis = engagedMillis;
    return e;
  }

  private TrackflowHttp http;
  private final String site;
  private final String origin;
  private final long t0;
  private final List<Ev> accepted = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();

  Traffic(TrackflowHttp http, String site) {
    this.http = http;
    this.site = site;
    this.origin = "https://" + site;
    // A minute back: inside the collector's accepted skew (five minutes back), leaving room for a
    // visitor's steps of one second each, and inside the realtime window (five minutes) for a
    // few minutes of test to come.
    this.t0 = System.currentTimeMillis() - 60_000;
  }

  String site() {
    return site;
  }

  /** Sends from now on through {@code next} (the same deployment restarted, another collector). */
  void sendThrough(TrackflowHttp next) {
    this.http = next;
  }

  /** A visitor from a private address: no country. */
  Visitor visitor(String ip, Agent agent) {
    return new Visitor(ip, "", agent);
  }

  /** A visitor from a public address the country database places in {@code country}. */
  Visitor visitor(String ip, String country, Agent agent) {
    return new Visitor(ip, country, agent);
  }

  // ---- sending ---------------------------------------------------------------------------------

  /**
   * Sends events in one beacon request and checks its {@code 202} summary against what this
   * record expects (accepted, duplicates, bots).
   */
  JsonObject beacon(Channel channel, Visitor visitor, Ev... events) {
    JsonArray body = new JsonArray();
    int expectAccepted = 0;
    int expectDuplicates = 0;
    for (Ev e : events) {
      stamp(visitor, e);
      body.add(json(e));
      if (!visitor.agent.bot()) {
        if (accept(e)) {
          expectAccepted++;
        } else {
          expectDuplicates++;
        }
      }
    }
    String payload = events.length == 1 ? body.getJsonObject(0).encode() : body.encode();
    String contentType = channel == Channel.BEACON_TEXT ? "text/plain;charset=UTF-8" : "application/json";
    HttpResponse<String> answer = http.beacon(payload, contentType, visitor.headers());
    assertThat(answer.statusCode()).as("beacon answer: %s", answer.body()).isEqualTo(202);
    JsonObject summary = new JsonObject(answer.body());
    assertThat(summary.getInteger("accepted")).as("accepted in %s", answer.body()).isEqualTo(expectAccepted);
    assertThat(summary.getInteger("duplicates")).as("duplicates in %s", answer.body()).isEqualTo(expectDuplicates);
    long bots = summary.getJsonArray("rejected").stream()
        .filter(r -> "bot".equals(((JsonObject) r).getString("reason"))).count();
    assertThat(bots).as("bots in %s", answer.body()).isEqualTo(visitor.agent.bot() ? events.length : 0);
    return summary;
  }

  /** Sends one event through the pixel ({@code GET /i}). */
  void pixel(Visitor visitor, Ev e) {
    stamp(visitor, e);
    Map<String, String> params = new LinkedHashMap<>();
    params.put("d", site);
    params.put("u", url(e));
    if (!e.referrer.isEmpty()) {
      params.put("r", e.referrer);
    }
    if (!e.pageview()) {
      params.put("n", e.name);
    }
    if (!e.props.isEmpty()) {
      params.put("p", new JsonObject(new LinkedHashMap<>(e.props)).encode());
    }
    if (e.id != null) {
      params.put("id", e.id);
    }
    if (e.revenue != null) {
      params.put("$", e.revenue.encode());
    }
    params.put("w", "1280");
    params.put("ts", Long.toString(e.ts));
    http.pixel(params, visitor.headers());
    if (!visitor.agent.bot()) {
      accept(e);
    }
  }

  /**
   * The first time an event is sent it gets the visitor's next second; a resend keeps it. A test
   * may stamp events ahead of sending them, to send them out of order.
   */
  void stamp(Visitor visitor, Ev e) {
    if (e.visitor == null) {
      e.visitor = visitor;
      e.ts = t0 + 1000L * visitor.step++;
    }
  }

  /** Records an event the collector must accept; false when it is a repeat of an accepted one. */
  private boolean accept(Ev e) {
    if (!seen.add(e.dedupKey())) {
      return false;
    }
    accepted.add(e);
    return true;
  }

  private String url(Ev e) {
    return origin + e.path + (e.query.isEmpty() ? "" : "?" + e.query);
  }

  private JsonObject json(Ev e) {
    JsonObject o = new JsonObject();
    if (e.longNames) {
      o.put("name", e.name).put("url", url(e)).put("domain", site);
      if (!e.referrer.isEmpty()) {
        o.put("referrer", e.referrer);
      }
      if (!e.props.isEmpty()) {
        o.put("props", new JsonObject(new LinkedHashMap<>(e.props)));
      }
    } else {
      o.put("n", e.name).put("u", url(e)).put("d", site);
      if (!e.referrer.isEmpty()) {
        o.put("r", e.referrer);
      }
      if (!e.props.isEmpty()) {
        o.put("p", new JsonObject(new LinkedHashMap<>(e.props)));
      }
    }
    o.put("w", 1440).put("ts", e.ts);
    if (e.revenue != null) {
      o.put(e.longNames ? "revenue" : "$", e.revenue);
    }
    if (e.id != null) {
      o.put("id", e.id);
    }
    if (!e.interactive) {
      o.put("i", false);
    }
    if (e.engagement()) {
      o.put("sd", e.scrollDepth).put("e", e.engagedMillis);
    }
    return o;
  }

  // ---- the oracle ------------------------------------------------------------------------------

  /** Accepted events that count: everything but engagement pings. */
  private List<Ev> counted() {
    return accepted.stream().filter(e -> !e.engagement()).toList();
  }

  /** Each visitor's counted events in time order (one session each: all within minutes). */
  private Map<String, List<Ev>> sessions() {
    Map<String, List<Ev>> sessions = new LinkedHashMap<>();
    for (Ev e : counted()) {
      sessions.computeIfAbsent(e.visitor.key(), k -> new ArrayList<>()).add(e);
    }
    sessions.values().forEach(s -> s.sort(Comparator.comparingLong(e -> e.ts)));
    return sessions;
  }

  long pageviews() {
    return counted().stream().filter(Ev::pageview).count();
  }

  long events() {
    return counted().size();
  }

  long visitors() {
    return sessions().size();
  }

  long visits() {
    return sessions().size();
  }

  long engagementsAccepted() {
    return accepted.stream().filter(Ev::engagement).count();
  }

  /** Bounced sessions: at most one pageview and no interactive custom event. */
  long bounceRate() {
    long bounces = sessions().values().stream()
        .filter(s -> s.stream().filter(Ev::pageview).count() <= 1
            && s.stream().noneMatch(e -> !e.pageview() && e.interactive))
        .count();
    return Math.round(100.0 * bounces / visits());
  }

  /** Mean seconds from a session's first to its last counted event, rounded half up. */
  long visitDuration() {
    long totalMillis = sessions().values().stream()
        .mapToLong(s -> s.get(s.size() - 1).ts - s.get(0).ts).sum();
    return java.math.BigDecimal.valueOf(totalMillis)
        .divide(java.math.BigDecimal.valueOf(1000L * visits()), 0, java.math.RoundingMode.HALF_UP)
        .longValue();
  }

  /** Page → pageviews. */
  Map<String, Long> pageviewsByPage() {
    return count(counted().stream().filter(Ev::pageview).toList(), e -> e.path);
  }

  /** Page → distinct visitors who viewed it. */
  Map<String, Long> visitorsByPage() {
    return distinctVisitors(counted().stream().filter(Ev::pageview).toList(), e -> e.path);
  }

  /** Source of each session (its first event's) → visitors. */
  Map<String, Long> visitorsBySource() {
    return count(firstEvents(), e -> e.source);
  }

  /** Entry page (first pageview of a session) → visits. */
  Map<String, Long> visitsByEntryPage() {
    List<Ev> entries = new ArrayList<>();
    for (List<Ev> s : sessions().values()) {
      s.stream().filter(Ev::pageview).findFirst().ifPresent(entries::add);
    }
    return count(entries, e -> e.path);
  }

  /** Exit page (last pageview of a session) → visits. */
  Map<String, Long> visitsByExitPage() {
    List<Ev> exits = new ArrayList<>();
    for (List<Ev> s : sessions().values()) {
      s.stream().filter(Ev::pageview).reduce((first, second) -> second).ifPresent(exits::add);
    }
    return count(exits, e -> e.path);
  }

  /** Event name → events (pageviews included, engagement never). */
  Map<String, Long> eventsByName() {
    return count(counted(), e -> e.name);
  }

  /** Event name → distinct visitors. */
  Map<String, Long> visitorsByName() {
    return distinctVisitors(counted(), e -> e.name);
  }

  /** For one event name: value of a prop → events. */
  Map<String, Long> eventsByProp(String name, String key) {
    return count(counted().stream().filter(e -> e.name.equals(name) && e.props.containsKey(key)).toList(),
        e -> e.props.get(key));
  }

  Map<String, Long> visitorsByBrowser() {
    return count(firstEvents(), e -> e.visitor.agent.browser());
  }

  Map<String, Long> visitorsByDevice() {
    return count(firstEvents(), e -> e.visitor.agent.device());
  }

  Map<String, Long> visitorsByCountry() {
    return count(firstEvents(), e -> e.visitor.country);
  }

  Map<String, Long> visitorsByOs() {
    return count(firstEvents(), e -> e.visitor.agent.os());
  }

  private List<Ev> firstEvents() {
    return sessions().values().stream().map(s -> s.get(0)).toList();
  }

  private static Map<String, Long> count(List<Ev> events, Function<Ev, String> by) {
    return new TreeMap<>(events.stream().collect(Collectors.groupingBy(by, Collectors.counting())));
  }

  private static Map<String, Long> distinctVisitors(List<Ev> events, Function<Ev, String> by) {
    Map<String, Set<String>> sets = new TreeMap<>();
    events.forEach(e -> sets.computeIfAbsent(by.apply(e), k -> new HashSet<>()).add(e.visitor.key()));
    Map<String, Long> counts = new TreeMap<>();
    sets.forEach((k, v) -> counts.put(k, (long) v.size()));
    return counts;
  }
}

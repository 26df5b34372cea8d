package io.trackflow.core.testdata;

import io.trackflow.core.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Deterministic, realistic analytics traffic for tests and benchmarks: several sites over a
 * window of days, visitors with stable devices and daily-rotating ids, sessions of several
 * pageviews with referrers and UTM tags, engagement pings, custom events with props (purchases
 * with revenue, a few in another currency), unicode and quotes in paths and props, and a share of exact duplicates that simulate replayed
 * deliveries. The same seed always yields the same events, in the same order.
 */
public final class EventGenerator {

  /** The sites traffic is spread over (unevenly: the first gets the most). */
  public static final List<String> SITES =
      List.of("shop.example.com", "blog.example.org", "docs.example.net", "münchen.example.de");

  /** End (exclusive) of the default window: a fixed instant, so data never depends on today. */
  public static final Instant DEFAULT_END = Instant.parse("2025-04-01T00:00:00Z");

  /** Length of the default window. */
  public static final int DEFAULT_DAYS = 90;

  /** Share of generated events that are replayed once more (exact copies). */
  public static final double DUPLICATE_SHARE = 0.01;

  private static final int[] SITE_WEIGHTS = {50, 25, 15, 10};
  private static final int VISITORS_PER_SITE = 3_000;
  private static final long DAY = Duration.ofDays(1).toMillis();
  // Traffic by UTC hour: quiet nights, busy afternoons, so hourly and time-zone series vary.
  private static final int[] HOUR_WEIGHTS =
      {2, 1, 1, 1, 1, 2, 4, 6, 8, 9, 10, 10, 9, 9, 10, 11, 11, 10, 9, 8, 7, 6, 4, 3};

  private static final List<String> PATHS = List.of(
      "/", "/pricing", "/features", "/blog", "/blog/hello-world", "/blog/über-uns",
      "/docs/getting-started", "/docs/api", "/signup", "/login", "/contact", "/about",
      "/products/%E2%9C%93", "/日本語/ページ", "/café", "/o'brien", "/path\\with\\backslash",
      "/search", "/careers", "/legal/privacy");
  private static final List<String[]> SOURCES = List.of(
      new String[] {"", "", "", "", "", "", ""},
      new String[] {"https://www.google.com/", "Google", "", "", "", "", ""},
      new String[] {"https://www.bing.com/", "Bing", "", "", "", "", ""},
      new String[] {"https://duckduckgo.com/", "DuckDuckGo", "", "", "", "", ""},
      new String[] {"https://t.co/x1y2z3", "Twitter", "", "", "", "", ""},
      new String[] {"https://news.ycombinator.com/item?id=1", "Hacker News", "", "", "", "", ""},
      new String[] {"https://www.reddit.com/r/analytics/", "Reddit", "", "", "", "", ""},
      new String[] {"", "Newsletter", "newsletter", "email", "spring-sale", "", ""},
      new String[] {"https://www.google.com/", "Google", "google", "cpc", "brand", "web analytics", "ad-a"},
      new String[] {"https://www.google.com/", "Google", "google", "cpc", "brand", "privacy analytics", "ad-b"},
      new String[] {"https://l.facebook.com/", "Facebook", "facebook", "social", "launch \"2025\"", "", ""});
  private static final int[] SOURCE_WEIGHTS = {35, 25, 4, 3, 5, 3, 3, 6, 8, 4, 4};
  private static final String[][] BROWSERS = {
      {"Chrome", "122.0"}, {"Chrome", "121.0"}, {"Safari", "17.3"}, {"Firefox", "123.0"},
      {"Edge", "122.0"}, {"Samsung Internet", "23.0"}, {"", ""}};
  private static final int[] BROWSER_WEIGHTS = {35, 20, 20, 10, 8, 4, 3};
  private static final String[][] SYSTEMS = {
      {"Windows", "10", "Desktop", "desktop"}, {"Windows", "11", "Desktop", "desktop"},
      {"macOS", "14.3", "Desktop", "laptop"}, {"Linux", "", "Desktop", "desktop"},
      {"iOS", "17.3", "Mobile", "mobile"}, {"Android", "14", "Mobile", "mobile"},
      {"iPadOS", "17.3", "Tablet", "tablet"}, {"", "", "", ""}};
  private static final int[] SYSTEM_WEIGHTS = {20, 12, 15, 5, 20, 18, 6, 4};
  private static final String[] COUNTRIES = {"DE", "US", "FR", "GB", "JP", "BR", "IN", "NL", "ES", ""};
  private static final int[] COUNTRY_WEIGHTS = {25, 25, 8, 10, 6, 5, 7, 5, 5, 4};
  // Regions (ISO 3166-2) and cities per country; countries without any have neither, as without
  // a city database. Picked from the visitor's seed, so the random sequence stays as it was.
  private static final Map<String, String[][]> PLACES = Map.of(
      "DE", new String[][] {{"DE-BE", "Berlin"}, {"DE-BY", "München"}, {"DE-HH", "Hamburg"}, {"", ""}},
      "US", new String[][] {{"US-CA", "San Francisco"}, {"US-NY", "New York"}, {"US-CA", "Los Angeles"}},
      "FR", new String[][] {{"FR-IDF", "Paris"}, {"FR-ARA", "Lyon"}},
      "GB", new String[][] {{"GB-ENG", "London"}, {"GB-SCT", "Edinburgh"}, {"GB-ENG", ""}});
  private static final String[] AUTHORS = {"Ana", "Bjørn", "Chloé", "Dmitri", "Eiko", "O'Neil"};

  private final Random random;
  private final long startMillis;
  private final int days;
  private final Set<Long> usedIds = new HashSet<>();
  private final List<List<Visitor>> visitors = new ArrayList<>();

  /** Traffic over the {@link #DEFAULT_DAYS} days before {@link #DEFAULT_END}. */
  public EventGenerator(long seed) {
    this(seed, DEFAULT_END, DEFAULT_DAYS);
  }

  public EventGenerator(long seed, Instant end, int days) {
    if (days < 1) {
      throw new IllegalArgumentException("days must be positive: " + days);
    }
    this.random = new Random(seed);
    this.days = days;
    this.startMillis = end.toEpochMilli() - days * DAY;
    for (int s = 0; s < SITES.size(); s++) {
      List<Visitor> pool = new ArrayList<>(VISITORS_PER_SITE);
      for (int v = 0; v < VISITORS_PER_SITE; v++) {
        pool.add(newVisitor());
      }
      visitors.add(pool);
    }
  }

  /** First instant of the window. */
  public Instant start() {
    return Instant.ofEpochMilli(startMillis);
  }

  /**
   * Whole sessions until at least {@code minEvents} distinct events exist, in time order, then
   * about {@link #DUPLICATE_SHARE} of them repeated as exact copies a little (or a lot) later in
   * the list, like a queue replaying deliveries.
   */
  public List<Event> generate(int minEvents) {
    List<Event> events = new ArrayList<>(minEvents + minEvents / 10);
    while (events.size() < minEvents) {
      session(events);
    }
    events.sort(Comparator.comparingLong(Event::timestampMillis).thenComparingLong(Event::eventId));
    // Each event carries its session's totals as the collector would send them (time order).
    ReferenceSessions.withTotals(events);
    int duplicates = (int) Math.round(events.size() * DUPLICATE_SHARE);
    // Each event keeps its index as position; a replay is placed a little (a redelivered
    // batch) or a lot (a rebalance) after its original, between two positions.
    List<Placed> placed = new ArrayList<>(events.size() + duplicates);
    for (int i = 0; i < events.size(); i++) {
      placed.add(new Placed(i, events.get(i)));
    }
    for (int i = 0; i < duplicates; i++) {
      int original = random.nextInt(events.size());
      int distance = random.nextInt(10) < 8 ? 1 + random.nextInt(5_000) : 1 + random.nextInt(events.size());
      placed.add(new Placed(original + distance - 0.5, events.get(original)));
    }
    placed.sort(Comparator.comparingDouble(Placed::position));
    return placed.stream().map(Placed::event).toList();
  }

  private record Placed(double position, Event event) {}

  /** The events a store must count: the first occurrence of each event id, in order. */
  public static List<Event> distinct(List<Event> events) {
    Map<Long, Event> byId = new LinkedHashMap<>();
    for (Event e : events) {
      byId.putIfAbsent(e.eventId(), e);
    }
    return new ArrayList<>(byId.values());
  }

  /** An event with every field set to a value that differs from its default. */
  public static Event fullEvent(long eventId, String site, long timestampMillis) {
    return Event.builder()
        .eventId(eventId)
        .site(site)
        .timestampMillis(timestampMillis)
        .name("Signup")
        .hostname("www." + site)
        .pathname("/signup/step-2")
        .referrer("https://www.google.com/search?q=trackflow")
        .referrerSource("Google")
        .utmSource("google")
        .utmMedium("cpc")
        .utmCampaign("spring-sale")
        .utmTerm("web analytics")
        .utmContent("ad-a")
        .visitorId(-4_242_424_242L)
        .sessionId(7_777_777_777L)
        .browser("Firefox")
        .browserVersion("123.0")
        .os("Linux")
        .osVersion("6.8")
        .device("Desktop")
        .country("NL")
        .region("NL-NH")
        .city("Amsterdam")
        .screenSize("desktop")
        .props(List.of("plan", "seats", "coupon"), List.of("pro", "12", ""))
        .interactive(false)
        .scrollDepth(87)
        .engagementMillis(123_456L)
        .revenue(-12_345_678L, "JPY")
        .build();
  }

  private record Visitor(long seed, String[] browser, String[] system, String country) {}

  private Visitor newVisitor() {
    return new Visitor(random.nextLong(), BROWSERS[pick(BROWSER_WEIGHTS)], SYSTEMS[pick(SYSTEM_WEIGHTS)],
        COUNTRIES[pick(COUNTRY_WEIGHTS)]);
  }

  private void session(List<Event> out) {
    int siteIndex = pick(SITE_WEIGHTS);
    String site = SITES.get(siteIndex);
    // A skewed pick: some visitors return often, most rarely.
    List<Visitor> pool = visitors.get(siteIndex);
    Visitor visitor = pool.get((int) (Math.pow(random.nextDouble(), 2) * pool.size()));
    int day = random.nextInt(days);
    long dayStart = startMillis + day * DAY;
    long t = dayStart + pick(HOUR_WEIGHTS) * 3_600_000L + random.nextInt(3_600_000);
    long sessionId = random.nextLong();
    String[] source = SOURCES.get(pick(SOURCE_WEIGHTS));
    String hostname = random.nextInt(5) == 0 ? "www." + site : site;
    // About 45% of sessions bounce (one pageview); the rest browse a few pages.
    int pageviews = random.nextInt(100) < 45 ? 1 : 2 + (int) Math.min(12, -Math.log(random.nextDouble()) * 3);
    String path = PATHS.get((int) (Math.pow(random.nextDouble(), 2.5) * PATHS.size()));
    for (int p = 0; p < pageviews; p++) {
      if (t >= startMillis + days * DAY) {
        break;
      }
      Event.Builder pageview = base(site, hostname, visitor, day, dayStart, t, sessionId, p == 0 ? source : SOURCES.get(0))
          .name(Event.PAGEVIEW).timestampMillis(t).pathname(path);
      if (siteIndex == 1 && path.startsWith("/blog")) {
        pageview.props(List.of("author"), List.of(AUTHORS[random.nextInt(AUTHORS.length)]));
      }
      out.add(pageview.build());
      if (random.nextInt(100) < 8) {
        out.add(customEvent(site, hostname, visitor, day, dayStart, sessionId, path, t + random.nextInt(900)));
      }
      long dwell = 2_000 + (long) (-Math.log(random.nextDouble()) * 40_000);
      if (random.nextInt(100) < 60) {
        out.add(base(site, hostname, visitor, day, dayStart, t + dwell, sessionId, SOURCES.get(0))
            .name(Event.ENGAGEMENT).timestampMillis(t + dwell).pathname(path)
            .interactive(false)
            .scrollDepth(random.nextInt(101))
            .engagementMillis(dwell - random.nextInt(1_500))
            .build());
      }
      t += dwell + random.nextInt(2_000);
      path = PATHS.get((int) (Math.pow(random.nextDouble(), 1.5) * PATHS.size()));
    }
  }

  private Event customEvent(String site, String hostname, Visitor visitor, int day, long dayStart, long sessionId,
      String path, long t) {
    Event.Builder b = base(site, hostname, visitor, day, dayStart, t, sessionId, SOURCES.get(0)).timestampMillis(t).pathname(path);
    return switch (random.nextInt(4)) {
      case 0 -> b.name("Signup").props(List.of("plan"), List.of(random.nextBoolean() ? "free" : "pro")).build();
      case 1 -> {
        int amount = 5 + random.nextInt(500);
        // Revenue from the amount and the event id, so it costs no draw from the generator: cents
        // vary, and about one purchase in seven is paid in dollars (revenue in another currency).
        long cents = Math.floorMod(b.eventId(), 100);
        yield b.name("Purchase")
            .props(List.of("amount", "currency"), List.of(Integer.toString(amount), "EUR"))
            .revenue(amount * 1_000_000L + cents * 10_000L + Math.floorMod(b.eventId(), 7) * 1_000L,
                Math.floorMod(b.eventId(), 7) == 0 ? "USD" : "EUR")
            .build();
      }
      case 2 -> b.name("Outbound Link: Click").props(List.of("url"), List.of("https://github.com/trackflow")).build();
      default -> b.name("Video Played").interactive(false)
          .props(List.of("title"), List.of("Démo \"intro\" — 2 min")).build();
    };
  }

  /**
   * An event of the session started on {@code day}; one at {@code t} past that day's end is
   * the visitor's under the next day's id, in a session of its own, as the collector's daily
   * salt makes it (a visitor id and a session never span two UTC days). Derived without a draw
   * from the generator, so the random sequence stays as it was.
   */
  private Event.Builder base(String site, String hostname, Visitor visitor, int day, long dayStart, long t,
      long sessionId, String[] source) {
    boolean nextDay = t >= dayStart + DAY;
    long visitorId = mix(visitor.seed() ^ ((nextDay ? day + 1 : day) * 0x9E3779B97F4A7C15L));
    return Event.builder()
        .eventId(newId())
        .site(site)
        .hostname(hostname)
        .referrer(source[0])
        .referrerSource(source[1])
        .utmSource(source[2])
        .utmMedium(source[3])
        .utmCampaign(source[4])
        .utmTerm(source[5])
        .utmContent(source[6])
        .visitorId(visitorId)
        .sessionId(nextDay ? mix(sessionId) : sessionId)
        .browser(visitor.browser()[0])
        .browserVersion(visitor.browser()[1])
        .os(visitor.system()[0])
        .osVersion(visitor.system()[1])
        .device(visitor.system()[2])
        .screenSize(visitor.system()[3])
        .country(visitor.country())
        .region(place(visitor)[0])
        .city(place(visitor)[1]);
  }

  private static String[] place(Visitor visitor) {
    String[][] places = PLACES.get(visitor.country());
    return places == null ? new String[] {"", ""} : places[(int) Math.floorMod(visitor.seed() >>> 7, places.length)];
  }

  private long newId() {
    long id;
    do {
      id = random.nextLong();
    } while (!usedIds.add(id));
    return id;
  }

  private int pick(int[] weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int r = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  // SplitMix64's finaliser: turns (visitor, day) into a well-spread daily visitor id.
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

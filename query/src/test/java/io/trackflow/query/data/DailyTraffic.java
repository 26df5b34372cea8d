package io.trackflow.query.data;

import io.trackflow.core.event.Event;
import io.trackflow.core.testdata.ReferenceSessions;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Deterministic traffic for the data-movement tests, shaped like what the collector produces:
 * visitor ids that change every day (the salt rotates at the site's midnight, so no session and
 * no visitor id spans two days), sessions of a few pageviews with a source on the first,
 * engagement pings, places with regions and cities, custom events with props.
 */
final class DailyTraffic {

  private static final String[] PAGES = {"/", "/pricing", "/blog/über-uns", "/docs/\"quoted\"", "/a,b", "/signup"};
  private static final String[][] SOURCES = {
      {"", "", "", "", "", "", ""},
      {"https://www.google.com/", "Google", "", "", "", "", ""},
      {"https://news.ycombinator.com/", "Hacker News", "", "", "", "", ""},
      {"", "Newsletter", "newsletter", "email", "spring", "", "top"},
      {"https://www.google.com/", "Google", "google", "cpc", "brand", "web analytics", "ad-a"}};
  private static final String[][] PLACES = {
      {"DE", "DE-BE", "Berlin"}, {"DE", "DE-BY", "München"}, {"US", "US-CA", "San Francisco"}, {"GB", "", ""},
      {"", "", ""}};
  private static final String[][] CLIENTS = {
      {"Chrome", "122.0", "Windows", "11", "Desktop"}, {"Safari", "17.3", "iOS", "17.3", "Mobile"},
      {"Firefox", "123.0", "Linux", "", "Desktop"}, {"", "", "", "", ""}};

  private DailyTraffic() {}

  /** About {@code visitorsPerDay} visitors a day on each day from {@code first} to {@code last}, in the zone. */
  static List<Event> generate(String site, ZoneId zone, LocalDate first, LocalDate last, int visitorsPerDay, long seed) {
    Random random = new Random(seed);
    List<Event> events = new ArrayList<>();
    long id = seed * 1_000_000L;
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      long dayStart = day.atStartOfDay(zone).toInstant().toEpochMilli();
      int visitors = visitorsPerDay / 2 + random.nextInt(visitorsPerDay);
      for (int v = 0; v < visitors; v++) {
        long visitorId = random.nextLong();
        String[] place = PLACES[random.nextInt(PLACES.length)];
        String[] client = CLIENTS[random.nextInt(CLIENTS.length)];
        // Sessions start before 22:00 and last minutes, so they end on their own day.
        long t = dayStart + 600_000L + random.nextInt(21 * 3_600_000);
        int sessions = 1 + random.nextInt(2);
        for (int s = 0; s < sessions; s++) {
          long sessionId = random.nextLong();
          String[] source = SOURCES[random.nextInt(SOURCES.length)];
          int pageviews = random.nextInt(10) < 4 ? 1 : 2 + random.nextInt(4);
          for (int p = 0; p < pageviews; p++) {
            String page = PAGES[random.nextInt(PAGES.length)];
            events.add(base(site, ++id, t, visitorId, sessionId, place, client, p == 0 ? source : SOURCES[0])
                .name(Event.PAGEVIEW).pathname(page).build());
            if (random.nextInt(10) < 2) {
              events.add(base(site, ++id, t + 1_000, visitorId, sessionId, place, client, SOURCES[0])
                  .name(random.nextBoolean() ? "Signup" : "Outbound Link: Click").pathname(page)
                  .props(List.of("plan"), List.of(random.nextBoolean() ? "pro" : "free")).build());
            }
            long dwell = 5_000 + random.nextInt(90_000);
            events.add(base(site, ++id, t + dwell, visitorId, sessionId, place, client, SOURCES[0])
                .name(Event.ENGAGEMENT).pathname(page).interactive(false).scrollDepth(random.nextInt(101))
                .engagementMillis(dwell).build());
            t += dwell + random.nextInt(20_000);
          }
          t += ReferenceSessions.TIMEOUT_MILLIS + random.nextInt(3_600_000);
        }
      }
    }
    events.sort(Comparator.comparingLong(Event::timestampMillis).thenComparingLong(Event::eventId));
    ReferenceSessions.withTotals(events);
    return events;
  }

  private static Event.Builder base(String site, long id, long at, long visitorId, long sessionId, String[] place,
      String[] client, String[] source) {
    return Event.builder().eventId(id).site(site).timestampMillis(at).hostname(site).visitorId(visitorId)
        .sessionId(sessionId).country(place[0]).region(place[1]).city(place[2]).browser(client[0])
        .browserVersion(client[1]).os(client[2]).osVersion(client[3]).device(client[4]).screenSize(client[4])
        .referrer(source[0]).referrerSource(source[1]).utmSource(source[2]).utmMedium(source[3])
        .utmCampaign(source[4]).utmTerm(source[5]).utmContent(source[6]);
  }
}

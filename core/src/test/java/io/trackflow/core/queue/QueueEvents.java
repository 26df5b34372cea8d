package io.trackflow.core.queue;

import io.trackflow.core.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events for queue and writer tests: every field set, with unicode, empty and extreme values, and
 * event ids unique within one instance so a test can tell its events apart.
 */
public final class QueueEvents {

  private static final String[] PATHS = {"/", "/pricing", "/blog/ünïcödé-🚀", "/a?b=c&d=e", ""};
  private static final String[] COUNTRIES = {"DE", "US", "JP", ""};
  private final AtomicLong nextId;

  /** Ids start at {@code firstId} and grow by one per event. */
  public QueueEvents(long firstId) {
    this.nextId = new AtomicLong(firstId);
  }

  /** {@code perVisitor} events for each of {@code visitors} visitors, visitor by visitor. */
  public List<Event> forVisitors(int visitors, int perVisitor) {
    List<Event> events = new ArrayList<>(visitors * perVisitor);
    for (int v = 0; v < visitors; v++) {
      for (int i = 0; i < perVisitor; i++) {
        events.add(event(1000L + v, i));
      }
    }
    return events;
  }

  /** One event of the given visitor; {@code seq} varies the other fields. */
  public Event event(long visitorId, int seq) {
    long id = nextId.getAndIncrement();
    boolean custom = seq % 7 == 3;
    return Event.builder()
        .eventId(id)
        .site(seq % 2 == 0 ? "example.com" : "shop.example.org")
        .timestampMillis(1_767_225_600_000L + id * 37)
        .name(custom ? "Signup – 登録" : seq % 5 == 4 ? Event.ENGAGEMENT : Event.PAGEVIEW)
        .hostname("www.example.com")
        .pathname(PATHS[seq % PATHS.length])
        .referrer(seq % 3 == 0 ? "" : "https://news.ycombinator.com/item?id=" + id)
        .referrerSource(seq % 3 == 0 ? "" : "Hacker News")
        .utmSource("newsletter")
        .utmMedium(seq % 2 == 0 ? "email" : "")
        .utmCampaign("spring \"sale\"\t\\ 'quoted'")
        .utmTerm("")
        .utmContent("c" + seq)
        .visitorId(visitorId)
        .sessionId(visitorId * 31 + seq / 10)
        .browser("Firefox")
        .browserVersion("128.0")
        .os("Linux")
        .osVersion("")
        .device(seq % 4 == 0 ? "Mobile" : "Desktop")
        .country(COUNTRIES[seq % COUNTRIES.length])
        .screenSize("1920x1080")
        .props(custom ? List.of("plan", "emoji") : List.of(), custom ? List.of("pro", "🎉") : List.of())
        .interactive(seq % 5 != 4)
        .scrollDepth(seq % 101)
        .engagementMillis(seq % 5 == 4 ? Long.MAX_VALUE / 2 + seq : 0)
        .build();
  }
}

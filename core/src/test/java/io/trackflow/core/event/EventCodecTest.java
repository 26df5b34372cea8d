package io.trackflow.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EventCodecTest {

  static Event fullEvent(long id) {
    return Event.builder()
        .eventId(id).site("example.com").timestampMillis(1_764_000_000_123L).name("Signup")
        .hostname("www.example.com").pathname("/pricing/ünïcode").referrer("https://news.ycombinator.com/item?id=1")
        .referrerSource("Hacker News").utmSource("hn").utmMedium("social").utmCampaign("launch")
        .utmTerm("analytics").utmContent("banner").visitorId(Long.MIN_VALUE).sessionId(Long.MAX_VALUE)
        .browser("Firefox").browserVersion("133.0").os("Linux").osVersion("").device("Desktop")
        .country("DE").region("DE-BE").city("Köln").screenSize("Desktop").props(List.of("plan", "emoji"), List.of("pro", "🚀"))
        .interactive(false).scrollDepth(87).engagementMillis(12_345L)
        .session(new SessionTotals(1_764_000_000_000L, 1_764_000_000_123L, 7, 5, 1, "/ëntry", "/exit'"))
        .revenue(-49_990_001L, "EUR")
        .build();
  }

  /** The bytes of an event's revenue before its place: micros, then the currency. */
  private static int revenueBytes(Event e) {
    return 8 + 1 + e.revenueCurrency().length();
  }

  /** The bytes of an event's place at the end of its record: region, then city. */
  private static int placeBytes(Event e) {
    return 2 + e.region().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        + e.city().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  @Test
  @DisplayName("Every field of several events survives an encode/decode round trip unchanged")
  void roundTripsEveryField() {
    List<Event> events = List.of(fullEvent(1), fullEvent(-2), Event.builder().build());
    assertThat(EventCodec.decode(EventCodec.encode(events))).isEqualTo(events);
  }

  @Test
  @DisplayName("A record in the first format, written before events carried session totals, decodes as events outside any counted session")
  void decodesFormatOne() {
    Event e = fullEvent(3);
    Buffer v4 = EventCodec.encode(List.of(e));
    // Format 1 is format 4 without the trailing session totals (8 + 1 + 1 + 1 + 1 + 7 + 6 bytes
    // here), revenue and place.
    int totals = 8 + 1 + 1 + 1 + 1 + ("/ëntry".getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1)
        + ("/exit'".length() + 1);
    Buffer v1 = v4.getBuffer(0, v4.length() - placeBytes(e) - revenueBytes(e) - totals).setByte(0, EventCodec.FORMAT_V1);
    Event decoded = EventCodec.decode(v1).get(0);
    assertThat(decoded.session()).isEqualTo(SessionTotals.NONE);
    assertThat(decoded.hasRevenue()).isFalse();
    assertThat(decoded.withSession(e.sessionId(), e.visitSource(), e.session()))
        .isEqualTo(older(e, false));
  }

  @Test
  @DisplayName("A record in the second format, written before events carried revenue, decodes with its totals and no revenue")
  void decodesFormatTwo() {
    Event e = fullEvent(4);
    List<Event> decoded = EventCodec.decode(olderFormat(EventCodec.FORMAT_V2, e, fullEvent(5)));
    assertThat(decoded).containsExactly(older(e, false), older(fullEvent(5), false));
    assertThat(decoded.get(0).session()).isEqualTo(e.session());
  }

  @Test
  @DisplayName("A record in the third format, written before events carried region and city, decodes with both empty")
  void decodesFormatThree() {
    Event e = fullEvent(6);
    List<Event> decoded = EventCodec.decode(olderFormat(EventCodec.FORMAT_V3, e, fullEvent(7)));
    assertThat(decoded).containsExactly(older(e, true), older(fullEvent(7), true));
    assertThat(decoded.get(0).revenueMicros()).isEqualTo(e.revenueMicros());
  }

  /**
   * Two events of equal size as an older format wrote them: each ends where its place (format 3)
   * or its revenue (format 2) begins, so those bytes are cut out of both.
   */
  private static Buffer olderFormat(byte format, Event a, Event b) {
    Buffer v4 = EventCodec.encode(List.of(a, b));
    int one = (v4.length() - 2) / 2;
    int cut = placeBytes(a) + (format == EventCodec.FORMAT_V2 ? revenueBytes(a) : 0);
    return Buffer.buffer().appendByte(format).appendByte((byte) 2)
        .appendBuffer(v4.getBuffer(2, 2 + one - cut))
        .appendBuffer(v4.getBuffer(2 + one, 2 + 2 * one - cut));
  }

  /** The event as an older format carries it: no place, and revenue only from format 3 on. */
  private static Event older(Event e, boolean withRevenue) {
    return new Event(e.eventId(), e.site(), e.timestampMillis(), e.name(), e.hostname(), e.pathname(), e.referrer(),
        e.referrerSource(), e.utmSource(), e.utmMedium(), e.utmCampaign(), e.utmTerm(), e.utmContent(), e.visitorId(),
        e.sessionId(), e.browser(), e.browserVersion(), e.os(), e.osVersion(), e.device(), e.country(), "", "",
        e.screenSize(), e.propKeys(), e.propValues(), e.interactive(), e.scrollDepth(), e.engagementMillis(),
        e.session(), withRevenue ? e.revenueMicros() : 0, withRevenue ? e.revenueCurrency() : "");
  }

  @Test
  @DisplayName("A truncated record is rejected with an IllegalArgumentException, not decoded into garbage")
  void rejectsTruncatedRecords() {
    Buffer encoded = EventCodec.encode(List.of(fullEvent(7)));
    for (int cut = 0; cut < encoded.length(); cut += 7) {
      Buffer truncated = encoded.getBuffer(0, cut);
      assertThatThrownBy(() -> EventCodec.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName("A record in an unknown format version or with trailing bytes is rejected")
  void rejectsUnknownFormatAndTrailingBytes() {
    Buffer encoded = EventCodec.encode(List.of(fullEvent(7)));
    Buffer wrongVersion = encoded.copy().setByte(0, (byte) 99);
    assertThatThrownBy(() -> EventCodec.decode(wrongVersion)).hasMessageContaining("format");
    Buffer trailing = encoded.copy().appendByte((byte) 0);
    assertThatThrownBy(() -> EventCodec.decode(trailing)).hasMessageContaining("trailing");
  }

  @Test
  @DisplayName("A string whose length runs one byte past the end of the record is reported as such, not read")
  void rejectsStringLengthPastEnd() {
    Buffer encoded = EventCodec.encode(List.of(Event.builder().site("a").build()));
    // Byte 0 is the format, 1 the event count, 2-9 the event id, 10 the site's length.
    int siteLengthAt = 10;
    int pastEnd = encoded.length() - (siteLengthAt + 1) + 1;
    assertThat(pastEnd).isLessThan(0x80); // still a one-byte varint
    Buffer corrupt = encoded.copy().setByte(siteLengthAt, (byte) pastEnd);
    assertThatThrownBy(() -> EventCodec.decode(corrupt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("string length past end of record");
  }

  @Test
  @DisplayName("Mismatched prop key and value lists are refused when an event is built")
  void refusesMismatchedProps() {
    assertThatThrownBy(() -> Event.builder().props(List.of("a", "b"), List.of("1")).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}

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
        .country("DE").region("DE-BE").city("Berlin").screenSize("Desktop").props(List.of("plan", "emoji"), List.of("pro", "🚀"))
        .interactive(false).scrollDepth(87).engagementMillis(12_345L)
        .session(new SessionTotals(1_764_000_000_000L, 1_764_000_000_123L, 7, 5, 1, "/ëntry", "/exit'"))
        .build();
  }

  @Test
  @DisplayName("Every field of several events survives an encode/decode round trip unchanged")
  void roundTripsEveryField() {
    List<Event> events = List.of(fullEvent(1), fullEvent(-2), Event.builder().build());
    assertThat(EventCodec.decode(EventCodec.encode(events))).isEqualTo(events);
  }

  /**
   * The record of {@code e} (which has no region or city) in format 2: format 3 without the two
   * empty strings after the country.
   */
  private static Buffer formatTwo(Event e) {
    Buffer v3 = EventCodec.encode(List.of(e));
    byte[] bytes = v3.getBytes();
    byte[] country = {2, 'D', 'E', 0, 0};
    for (int i = 0; i + country.length <= bytes.length; i++) {
      if (java.util.Arrays.equals(bytes, i, i + country.length, country, 0, country.length)) {
        return v3.getBuffer(0, i + 3).appendBuffer(v3.getBuffer(i + 5, v3.length())).setByte(0, EventCodec.FORMAT_V2);
      }
    }
    throw new AssertionError("country not found in the record");
  }

  private static Event withoutPlace(Event e) {
    return Event.builder().eventId(e.eventId()).site(e.site()).timestampMillis(e.timestampMillis()).name(e.name())
        .hostname(e.hostname()).pathname(e.pathname()).visitSource(e.visitSource()).visitorId(e.visitorId())
        .sessionId(e.sessionId()).browser(e.browser()).browserVersion(e.browserVersion()).os(e.os())
        .osVersion(e.osVersion()).device(e.device()).country(e.country()).screenSize(e.screenSize())
        .props(e.propKeys(), e.propValues()).interactive(e.interactive()).scrollDepth(e.scrollDepth())
        .engagementMillis(e.engagementMillis()).session(e.session()).build();
  }

  @Test
  @DisplayName("A record in the second format, written before events carried region and city, decodes with both empty")
  void decodesFormatTwo() {
    Event e = withoutPlace(fullEvent(4));
    assertThat(EventCodec.decode(formatTwo(e))).containsExactly(e);
  }

  @Test
  @DisplayName("A record in the first format, written before events carried session totals, decodes as events outside any counted session")
  void decodesFormatOne() {
    Event e = withoutPlace(fullEvent(3));
    Buffer v2 = formatTwo(e);
    // Format 1 is format 2 without the trailing session totals: 8 + 1 + 1 + 1 + 1 + 7 + 6 bytes here.
    int totals = 8 + 1 + 1 + 1 + 1 + ("/ëntry".getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1)
        + ("/exit'".length() + 1);
    Buffer v1 = v2.getBuffer(0, v2.length() - totals).setByte(0, EventCodec.FORMAT_V1);
    Event decoded = EventCodec.decode(v1).get(0);
    assertThat(decoded.session()).isEqualTo(SessionTotals.NONE);
    assertThat(decoded.withSession(e.sessionId(), e.visitSource(), e.session())).isEqualTo(e);
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
  @DisplayName("Mismatched prop key and value lists are refused when an event is built")
  void refusesMismatchedProps() {
    assertThatThrownBy(() -> Event.builder().props(List.of("a", "b"), List.of("1")).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}

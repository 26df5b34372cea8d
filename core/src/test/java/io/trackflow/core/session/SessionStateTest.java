package io.trackflow.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.session.SessionTouch.Kind;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The session rules on one {@link SessionState}, without a store around it: the timeout
 * boundary, which events count and how, ties between pages, out-of-order events and taking back
 * an unpublished event. Expected totals are written out by hand from the rules.
 */
class SessionStateTest {

  private static final long T0 = 1_772_359_200_000L; // 2026-03-01T10:00:00Z
  private static final long MINUTE = 60_000;
  private static final long TIMEOUT = 30 * MINUTE;
  private static final VisitSource GOOGLE =
      new VisitSource("google.com", "Google", "", "", "", "", "");
  private static final VisitSource NEWSLETTER =
      new VisitSource("", "Newsletter", "newsletter", "email", "spring", "", "");

  private static SessionTouch pageview(long t, String path) {
    return new SessionTouch(7, t, Kind.PAGEVIEW, path, GOOGLE);
  }

  private static SessionTouch touch(long t, Kind kind) {
    return new SessionTouch(7, t, kind, "/custom", NEWSLETTER);
  }

  private static SessionTotals totals(SessionState s) {
    return s.snapshot().totals();
  }

  /** The counted totals, field by field (the stored row has more fields than the rules decide). */
  private static void assertTotals(SessionState s, long start, long end, int events, int pageviews,
      int interactive, String entry, String exit) {
    SessionTotals t = totals(s);
    assertThat(List.of(t.startMillis(), t.endMillis(), (long) t.events(), (long) t.pageviews(), (long) t.interactive()))
        .as("start, end, events, pageviews, interactive")
        .containsExactly(start, end, (long) events, (long) pageviews, (long) interactive);
    assertThat(List.of(t.entryPage(), t.exitPage())).as("entry and exit page").containsExactly(entry, exit);
  }

  @Test
  @DisplayName("An event exactly one timeout after the last activity starts a new session; one millisecond earlier continues it")
  void timeoutBoundary() {
    SessionState s = SessionState.start(1, pageview(T0, "/"));
    assertThat(s.expiredAt(T0 + TIMEOUT - 1, TIMEOUT)).isFalse();
    assertThat(s.expiredAt(T0 + TIMEOUT, TIMEOUT)).isTrue();
    assertThat(s.expiredAt(T0 - MINUTE, TIMEOUT)).isFalse();
  }

  @Test
  @DisplayName("An engagement ping starts no session, and one outside any session carries empty totals and its own source")
  void engagementStartsNothing() {
    assertThat(SessionState.start(1, touch(T0, Kind.ENGAGEMENT))).isNull();
    SessionSnapshot outside = SessionState.outside(9, touch(T0, Kind.ENGAGEMENT));
    assertThat(outside).isEqualTo(new SessionSnapshot(9, SessionTotals.NONE, NEWSLETTER));
  }

  @Test
  @DisplayName("An engagement ping keeps the session alive without counting or moving its end")
  void engagementKeepsAlive() {
    SessionState s = SessionState.start(1, pageview(T0, "/"));
    s.apply(touch(T0 + 20 * MINUTE, Kind.ENGAGEMENT));
    assertThat(s.lastActivity()).isEqualTo(T0 + 20 * MINUTE);
    assertThat(s.expiredAt(T0 + 45 * MINUTE, TIMEOUT)).isFalse();
    assertTotals(s, T0, T0, 1, 1, 0, "/", "/");
  }

  @Test
  @DisplayName("Pageviews, interactive and non-interactive custom events are each counted as events, and only their own kind besides")
  void countsByKind() {
    SessionState s = SessionState.start(42, pageview(T0, "/a"));
    s.apply(touch(T0 + MINUTE, Kind.INTERACTIVE));
    s.apply(touch(T0 + 2 * MINUTE, Kind.NON_INTERACTIVE));
    s.apply(pageview(T0 + 3 * MINUTE, "/b"));
    s.apply(touch(T0 + 4 * MINUTE, Kind.NON_INTERACTIVE));
    assertThat(s.id()).isEqualTo(42);
    assertThat(s.snapshot().sessionId()).isEqualTo(42);
    assertThat(s.snapshot().source()).isEqualTo(GOOGLE);
    assertTotals(s, T0, T0 + 4 * MINUTE, 5, 2, 1, "/a", "/b");
  }

  @Test
  @DisplayName("The visit's source is its first event's, whatever later events bring")
  void sourceOfFirstEvent() {
    SessionState s = SessionState.start(1, touch(T0, Kind.INTERACTIVE));
    s.apply(pageview(T0 + MINUTE, "/"));
    assertThat(s.snapshot().source()).isEqualTo(NEWSLETTER);
  }

  @Test
  @DisplayName("A session that starts with a custom event gets its entry and exit page from its first pageview")
  void pagesAfterCustomStart() {
    SessionState s = SessionState.start(1, touch(T0 + 5 * MINUTE, Kind.INTERACTIVE));
    assertTotals(s, T0 + 5 * MINUTE, T0 + 5 * MINUTE, 1, 0, 1, "", "");
    s.apply(pageview(T0 + 6 * MINUTE, "/first"));
    assertThat(totals(s).entryPage()).isEqualTo("/first");
    assertThat(totals(s).exitPage()).isEqualTo("/first");
  }

  @Test
  @DisplayName("Pageviews at the same millisecond: the entry page is the one seen first, the exit page the one seen last")
  void pageTies() {
    SessionState s = SessionState.start(1, pageview(T0, "/one"));
    s.apply(pageview(T0, "/two"));
    s.apply(pageview(T0, "/three"));
    assertThat(totals(s).entryPage()).isEqualTo("/one");
    assertThat(totals(s).exitPage()).isEqualTo("/three");
  }

  @Test
  @DisplayName("An event that arrives late but happened earlier moves the start and the entry page back, not the end, exit or last activity")
  void outOfOrder() {
    SessionState s = SessionState.start(1, pageview(T0 + 10 * MINUTE, "/later"));
    s.apply(pageview(T0 + 2 * MINUTE, "/earlier"));
    assertTotals(s, T0 + 2 * MINUTE, T0 + 10 * MINUTE, 2, 2, 0, "/earlier", "/later");
    assertThat(s.lastActivity()).isEqualTo(T0 + 10 * MINUTE);
    s.apply(pageview(T0 + 12 * MINUTE, "/last"));
    assertThat(totals(s).exitPage()).isEqualTo("/last");
    assertThat(totals(s).endMillis()).isEqualTo(T0 + 12 * MINUTE);
    assertThat(s.lastActivity()).isEqualTo(T0 + 12 * MINUTE);
  }

  @Test
  @DisplayName("An event's kind follows its name and interactivity: pageview, engagement, else interactive or not")
  void kindOf() {
    assertThat(Kind.of(Event.PAGEVIEW, false)).isEqualTo(Kind.PAGEVIEW);
    assertThat(Kind.of(Event.ENGAGEMENT, true)).isEqualTo(Kind.ENGAGEMENT);
    assertThat(Kind.of("Signup", true)).isEqualTo(Kind.INTERACTIVE);
    assertThat(Kind.of("Signup", false)).isEqualTo(Kind.NON_INTERACTIVE);
  }

  @Test
  @DisplayName("A touch without a path or source reads as an empty path and direct traffic")
  void touchDefaults() {
    SessionTouch t = new SessionTouch(1, T0, Kind.PAGEVIEW, null, null);
    assertThat(t.pathname()).isEmpty();
    assertThat(t.source()).isEqualTo(VisitSource.DIRECT);
  }
}

package io.trackflow.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.session.SessionTouch.Kind;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Taking back an event whose publication failed, so that the client's retry is not counted
 * twice in its session ({@link SessionState#uncount}).
 */
class SessionStateUncountTest {

  private static final long T0 = 1_772_359_200_000L; // 2026-03-01T10:00:00Z
  private static final long MINUTE = 60_000;

  private static SessionTouch pageview(long t) {
    return new SessionTouch(7, t, Kind.PAGEVIEW, "/", VisitSource.DIRECT);
  }

  private static SessionTouch touch(long t, Kind kind) {
    return new SessionTouch(7, t, kind, "/custom", VisitSource.DIRECT);
  }

  /** The counts, in the order events, pageviews, interactive. */
  private static List<Integer> counts(SessionState s) {
    SessionTotals t = s.snapshot().totals();
    return List.of(t.events(), t.pageviews(), t.interactive());
  }

  @Test
  @DisplayName("Taking back an unpublished event lowers the event count and its own kind's count only")
  void uncountByKind() {
    SessionState s = SessionState.start(1, pageview(T0));
    s.apply(touch(T0 + MINUTE, Kind.INTERACTIVE));
    s.apply(touch(T0 + 2 * MINUTE, Kind.NON_INTERACTIVE));
    s.uncount(Kind.NON_INTERACTIVE);
    assertThat(counts(s)).containsExactly(2, 1, 1);
    s.uncount(Kind.INTERACTIVE);
    assertThat(counts(s)).containsExactly(1, 1, 0);
    s.uncount(Kind.PAGEVIEW);
    assertThat(counts(s)).containsExactly(0, 0, 0);
  }

  @Test
  @DisplayName("Taking back more than was counted, or an engagement ping, never drives a count below zero")
  void uncountNeverNegative() {
    SessionState s = SessionState.start(1, touch(T0, Kind.INTERACTIVE));
    s.uncount(Kind.ENGAGEMENT);
    s.uncount(Kind.PAGEVIEW); // no pageview was counted: only the event count drops
    assertThat(counts(s)).containsExactly(0, 0, 1);
    s.uncount(Kind.INTERACTIVE);
    s.uncount(Kind.PAGEVIEW);
    assertThat(counts(s)).containsExactly(0, 0, 1);

    SessionState p = SessionState.start(2, pageview(T0));
    p.uncount(Kind.INTERACTIVE); // no interactive event was counted
    assertThat(counts(p)).containsExactly(0, 1, 0);
  }
}

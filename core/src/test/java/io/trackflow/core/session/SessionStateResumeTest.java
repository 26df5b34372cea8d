package io.trackflow.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.session.SessionTouch.Kind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What lets a writer resume a session exactly: ids derived from the first event, the revision,
 * the range of queue positions a session took (replay detection) and restoring a stored row.
 * The rules are on {@link SessionState}; the writer's use of them is in its own tests.
 */
class SessionStateResumeTest {

  private static final long T0 = 1_772_359_200_000L; // 2026-03-01T10:00:00Z
  private static final long MINUTE = 60_000;
  private static final VisitSource GOOGLE = new VisitSource("google.com", "Google", "", "", "", "", "");
  private static final VisitSource NEWSLETTER = new VisitSource("", "Newsletter", "newsletter", "email", "", "", "");

  private static SessionTouch pageview(long t, String path, VisitSource source) {
    return new SessionTouch(7, t, Kind.PAGEVIEW, path, source);
  }

  private static SessionTouch ping(long t) {
    return new SessionTouch(7, t, Kind.ENGAGEMENT, "/", VisitSource.DIRECT);
  }

  @Test
  @DisplayName("A session's id is a fixed function of site, visitor and first event: stored ids stay valid across versions, so the values are pinned")
  void idsArePinned() {
    // A replay that finds no state recomputes the id: a writer of another version must get the same.
    assertThat(SessionState.idFor("shop.example", 7, 1)).isEqualTo(-92_860_850_111_850_599L);
    assertThat(SessionState.idFor("shop.example", 7, 2)).isEqualTo(-1_076_788_222_062_940_625L);
    assertThat(SessionState.idFor("shop.example", 8, 1)).isEqualTo(-7_734_607_547_395_179_834L);
    assertThat(SessionState.idFor("blog.example", 7, 1)).isEqualTo(-1_978_245_052_120_377_227L);
    assertThat(SessionState.idFor("shop.example", -4_611_686_018_427_387_904L, 9_007_199_254_740_993L))
        .isEqualTo(-2_497_568_088_498_662_050L);
  }

  @Test
  @DisplayName("A session id is never 0 (0 means no session): the one input that hashes to 0 gets 1")
  void idNeverZero() {
    // The finaliser maps 0 to 0; this site (hash 0), visitor and event id make its input 0.
    assertThat(SessionState.idFor("", 0, 0x9E3779B97F4A7C15L)).isEqualTo(1);
  }

  @Test
  @DisplayName("A session started at a queue position took exactly that position; an engagement ping at a position starts nothing")
  void startAtPosition() {
    SessionState s = SessionState.start(5, pageview(T0, "/", GOOGLE), 3, 40);
    SessionTotals t = s.snapshot().totals();
    assertThat(new long[] {t.queuePartition(), t.firstPosition(), t.lastPosition(), t.revision()})
        .as("partition, first and last position, revision").containsExactly(3, 40, 40, 1);
    assertThat(s.revision()).isEqualTo(1);
    assertThat(s.source()).isEqualTo(GOOGLE);
    assertThat(SessionState.start(5, ping(T0), 3, 40)).isNull();
  }

  @Test
  @DisplayName("An event of the session's partition at or below its last position was applied already; a later one or one of another partition was not")
  void appliedAlready() {
    SessionState s = SessionState.start(5, pageview(T0, "/", GOOGLE), 3, 40);
    s.apply(pageview(T0 + MINUTE, "/b", GOOGLE), 3, 45);
    assertThat(s.appliedAlready(3, 45)).as("the last position").isTrue();
    assertThat(s.appliedAlready(3, 12)).as("below the session's first: another session's, but applied").isTrue();
    assertThat(s.appliedAlready(3, 46)).as("after the last").isFalse();
    assertThat(s.appliedAlready(2, 45)).as("another partition").isFalse();
  }

  @Test
  @DisplayName("A session took the positions from its first to its last event of its partition, both included, and no others")
  void tookItsRange() {
    SessionState s = SessionState.start(5, pageview(T0, "/", GOOGLE), 3, 40);
    s.apply(pageview(T0 + MINUTE, "/b", GOOGLE), 3, 45);
    assertThat(s.took(3, 40)).as("the first position").isTrue();
    assertThat(s.took(3, 45)).as("the last position").isTrue();
    assertThat(s.took(3, 39)).as("before the first").isFalse();
    assertThat(s.took(3, 46)).as("after the last").isFalse();
    assertThat(s.took(4, 42)).as("another partition").isFalse();
  }

  @Test
  @DisplayName("Applying an event at a position counts it and moves the last position; an event from another partition (the partition count changed) starts the range anew there")
  void applyAtPosition() {
    SessionState s = SessionState.start(5, pageview(T0, "/a", GOOGLE), 3, 40);
    s.apply(pageview(T0 + MINUTE, "/b", NEWSLETTER), 3, 41);
    SessionTotals t = s.snapshot().totals();
    assertThat(new long[] {t.events(), t.queuePartition(), t.firstPosition(), t.lastPosition()})
        .containsExactly(2, 3, 40, 41);
    assertThat(t.exitPage()).isEqualTo("/b");

    s.apply(pageview(T0 + 2 * MINUTE, "/c", GOOGLE), 6, 7);
    t = s.snapshot().totals();
    assertThat(new long[] {t.events(), t.queuePartition(), t.firstPosition(), t.lastPosition()})
        .containsExactly(3, 6, 7, 7);
    assertThat(s.took(6, 7)).isTrue();
    assertThat(s.appliedAlready(3, 41)).as("the old partition's positions no longer identify replays").isFalse();
  }

  @Test
  @DisplayName("Every event applied raises the revision by one, engagement pings included, so the store keeps the latest row")
  void revisionCountsEveryEvent() {
    SessionState s = SessionState.start(5, pageview(T0, "/", GOOGLE));
    s.apply(ping(T0 + MINUTE));
    s.apply(pageview(T0 + 2 * MINUTE, "/b", GOOGLE));
    s.apply(new SessionTouch(7, T0 + 3 * MINUTE, Kind.NON_INTERACTIVE, "/b", GOOGLE), 0, 9);
    assertThat(s.revision()).isEqualTo(4);
    assertThat(s.snapshot().totals().revision()).isEqualTo(4);
    assertThat(s.snapshot().totals().events()).as("the ping counts no event").isEqualTo(3);
  }

  @Test
  @DisplayName("A restored session is the stored one: its snapshot is the stored row, and it continues from there")
  void restoreContinues() {
    SessionTotals stored = new SessionTotals(T0, T0 + 4 * MINUTE, 3, 2, 1, "/in", "/out", T0, T0 + 4 * MINUTE,
        T0 + 6 * MINUTE, 5, 2, 100, 130);
    SessionState s = SessionState.restore(new StoredSession("shop.example", 77, 7, NEWSLETTER, stored));
    assertThat(s.snapshot()).isEqualTo(new SessionSnapshot(77, stored, NEWSLETTER));
    assertThat(s.revision()).isEqualTo(5);
    assertThat(s.lastActivity()).isEqualTo(T0 + 6 * MINUTE);
    assertThat(s.took(2, 100)).isTrue();
    assertThat(s.appliedAlready(2, 131)).isFalse();

    s.apply(pageview(T0 + 8 * MINUTE, "/last", GOOGLE), 2, 131);
    assertThat(s.snapshot()).isEqualTo(new SessionSnapshot(77, new SessionTotals(T0, T0 + 8 * MINUTE, 4, 3, 1, "/in",
        "/last", T0, T0 + 8 * MINUTE, T0 + 8 * MINUTE, 6, 2, 100, 131), NEWSLETTER));
  }
}

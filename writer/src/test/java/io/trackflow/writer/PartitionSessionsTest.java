package io.trackflow.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.queue.Delivery;
import io.trackflow.core.session.SessionState;
import io.trackflow.core.session.StoredSession;
import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.testdata.ReferenceSessions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PartitionSessionsTest {

  private static final long T0 = 1_767_225_600_000L;
  private static final long MINUTE = 60_000;
  private static final long TIMEOUT = 30 * MINUTE;
  private static final VisitSource GOOGLE = new VisitSource("https://www.google.com/", "Google", "", "", "", "", "");
  private static final VisitSource NEWSLETTER = new VisitSource("", "", "newsletter", "email", "may", "", "");

  private final Counter replayed = new SimpleMeterRegistry().counter("replayed");
  private long nextPosition = 1;

  private static Event event(long id, long visitor, long t, String name, String path, VisitSource source) {
    return event(id, visitor, t, name, path, source, !Event.ENGAGEMENT.equals(name));
  }

  private static Event event(long id, long visitor, long t, String name, String path, VisitSource source,
      boolean interactive) {
    return Event.builder().eventId(id).site("shop.example").visitorId(visitor).timestampMillis(t).name(name)
        .pathname(path).visitSource(source).interactive(interactive).build();
  }

  private static Event pageview(long id, long visitor, long t, String path, VisitSource source) {
    return event(id, visitor, t, Event.PAGEVIEW, path, source);
  }

  private static Event ping(long id, long visitor, long t) {
    return event(id, visitor, t, Event.ENGAGEMENT, "/", VisitSource.DIRECT);
  }

  /** Hands the events over as one delivery of partition 0 at the next positions. */
  private List<Event> deliver(PartitionSessions sessions, Event... events) {
    long[] positions = new long[events.length];
    for (int i = 0; i < events.length; i++) {
      positions[i] = nextPosition++;
    }
    return sessions.assign(new Delivery(0, List.of(events), positions));
  }

  private static Delivery at(List<Event> events, long firstPosition) {
    long[] positions = new long[events.size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = firstPosition + i;
    }
    return new Delivery(0, events, positions);
  }

  @Test
  @DisplayName("A visitor's events continue one session while each comes within 30 minutes of the last activity (engagement pings included); pings count nothing and start nothing")
  void timeoutAndPings() {
    PartitionSessions sessions = new PartitionSessions(0, TIMEOUT, replayed);
    List<Event> out = new ArrayList<>();
    out.addAll(deliver(sessions, pageview(1, 7, T0, "/a", GOOGLE), pageview(2, 7, T0 + 10 * MINUTE, "/b", NEWSLETTER)));
    out.addAll(deliver(sessions, ping(3, 7, T0 + 35 * MINUTE), pageview(4, 7, T0 + 60 * MINUTE, "/c", VisitSource.DIRECT)));
    out.addAll(deliver(sessions, pageview(5, 7, T0 + 91 * MINUTE, "/d", NEWSLETTER), ping(6, 7, T0 + 130 * MINUTE)));

    long first = SessionState.idFor("shop.example", 7, 1);
    long second = SessionState.idFor("shop.example", 7, 5);
    assertThat(out).extracting(Event::sessionId)
        .containsExactly(first, first, first, first, second, SessionState.idFor("shop.example", 7, 6));
    assertThat(out.get(3).session()).isEqualTo(new SessionTotals(T0, T0 + 60 * MINUTE, 3, 3, 0, "/a", "/c", T0,
        T0 + 60 * MINUTE, T0 + 60 * MINUTE, 4, 0, 1, 4));
    assertThat(out.get(2).session()).as("after the ping").isEqualTo(new SessionTotals(T0, T0 + 10 * MINUTE, 2, 2, 0,
        "/a", "/b", T0, T0 + 10 * MINUTE, T0 + 35 * MINUTE, 3, 0, 1, 3));
    assertThat(out.subList(0, 4)).extracting(Event::visitSource).containsOnly(GOOGLE);
    assertThat(out.get(4).session()).isEqualTo(new SessionTotals(T0 + 91 * MINUTE, T0 + 91 * MINUTE, 1, 1, 0, "/d",
        "/d", T0 + 91 * MINUTE, T0 + 91 * MINUTE, T0 + 91 * MINUTE, 1, 0, 5, 5));
    assertThat(out.get(4).visitSource()).isEqualTo(NEWSLETTER);
    assertThat(out.get(5).session()).as("a ping 39 minutes after the last activity").isEqualTo(SessionTotals.NONE);
  }

  @Test
  @DisplayName("Events of one visitor arriving a few seconds out of order form one session: the entry is the earliest pageview, the exit the latest, the source that of the first event seen")
  void outOfOrder() {
    PartitionSessions sessions = new PartitionSessions(0, TIMEOUT, replayed);
    List<Event> out = deliver(sessions, pageview(2, 7, T0 + 5_000, "/second", NEWSLETTER),
        pageview(1, 7, T0, "/first", GOOGLE), pageview(3, 7, T0 + 3_000, "/middle", GOOGLE));

    assertThat(out).extracting(Event::sessionId).containsOnly(SessionState.idFor("shop.example", 7, 2));
    assertThat(out.get(2).session()).isEqualTo(new SessionTotals(T0, T0 + 5_000, 3, 3, 0, "/first", "/second", T0,
        T0 + 5_000, T0 + 5_000, 3, 0, 1, 3));
    assertThat(out).extracting(Event::visitSource).containsOnly(NEWSLETTER);
  }

  @Test
  @DisplayName("Events at or below the position their session applied last (a replay) get their session and change nothing")
  void replaysAreNotCounted() {
    PartitionSessions sessions = new PartitionSessions(0, TIMEOUT, replayed);
    List<Event> events = List.of(pageview(1, 7, T0, "/a", GOOGLE), pageview(2, 7, T0 + MINUTE, "/b", GOOGLE),
        pageview(3, 8, T0 + MINUTE, "/x", GOOGLE), pageview(4, 7, T0 + 2 * MINUTE, "/c", GOOGLE));
    List<Event> first = sessions.assign(at(events, 100));
    List<Event> again = sessions.assign(at(events.subList(1, 4), 101));

    SessionTotals seven = first.get(3).session();
    assertThat(seven.events()).isEqualTo(3);
    assertThat(again).extracting(Event::sessionId).containsExactly(first.get(1).sessionId(), first.get(2).sessionId(),
        first.get(3).sessionId());
    assertThat(again.get(2).session()).isEqualTo(seven);
    assertThat(again.get(0).session()).as("as the session stands now").isEqualTo(seven);
    assertThat(replayed.count()).isEqualTo(3.0);
    // The next new event continues from there.
    List<Event> next = sessions.assign(at(List.of(pageview(5, 7, T0 + 3 * MINUTE, "/d", GOOGLE)), 104));
    assertThat(next.get(0).session().events()).isEqualTo(4);
  }

  @Test
  @DisplayName("A session restored from its stored row continues exactly as if the writer had never stopped, and a new session's id does not depend on who computes it")
  void restoredSessionsContinue() {
    PartitionSessions before = new PartitionSessions(0, TIMEOUT, replayed);
    List<Event> stored = deliver(before, pageview(1, 7, T0, "/a", GOOGLE), ping(2, 7, T0 + 20 * MINUTE));
    Event newest = stored.get(1);
    PartitionSessions after = new PartitionSessions(0, TIMEOUT, replayed);
    after.restore(new StoredSession(newest.site(), newest.sessionId(), newest.visitorId(), newest.visitSource(),
        newest.session()));
    PartitionSessions uninterrupted = new PartitionSessions(0, TIMEOUT, replayed);
    nextPosition = 1;
    deliver(uninterrupted, pageview(1, 7, T0, "/a", GOOGLE), ping(2, 7, T0 + 20 * MINUTE));

    Event late = pageview(3, 7, T0 + 45 * MINUTE, "/b", NEWSLETTER);
    Event other = pageview(4, 9, T0 + 45 * MINUTE, "/z", NEWSLETTER);
    long position = nextPosition;
    List<Event> continued = after.assign(at(List.of(late, other), position));
    List<Event> expected = uninterrupted.assign(at(List.of(late, other), position));
    assertThat(continued).isEqualTo(expected);
    assertThat(continued.get(0).sessionId()).isEqualTo(newest.sessionId());
    assertThat(continued.get(0).session().events()).isEqualTo(2);
  }

  @Test
  @DisplayName("A visitor's session replaced by a new one after the timeout still answers replays of its own events, unchanged")
  void replacedSessionAnswersReplays() {
    PartitionSessions sessions = new PartitionSessions(0, TIMEOUT, replayed);
    List<Event> events = List.of(pageview(1, 7, T0, "/a", GOOGLE), pageview(2, 7, T0 + MINUTE, "/b", GOOGLE),
        pageview(3, 7, T0 + 35 * MINUTE, "/c", NEWSLETTER));
    List<Event> first = sessions.assign(at(events, 1));
    List<Event> again = sessions.assign(at(events, 1));

    long earlierId = SessionState.idFor("shop.example", 7, 1);
    assertThat(again).extracting(Event::sessionId)
        .containsExactly(earlierId, earlierId, SessionState.idFor("shop.example", 7, 3));
    assertThat(again.get(0).session()).as("the earlier session as it ended").isEqualTo(first.get(1).session());
    assertThat(again.get(2).session()).isEqualTo(first.get(2).session());
    assertThat(replayed.count()).isEqualTo(3.0);
  }

  /** A stored session of visitor 7 with one pageview per position from {@code firstPosition} to {@code lastPosition}. */
  private static StoredSession stored(long sessionId, long start, long lastActivity, long firstPosition,
      long lastPosition) {
    int events = (int) (lastPosition - firstPosition + 1);
    return new StoredSession("shop.example", sessionId, 7, GOOGLE, new SessionTotals(start, lastActivity, events,
        events, 0, "/in", "/out", start, lastActivity, lastActivity, events, 0, firstPosition, lastPosition));
  }

  @Test
  @DisplayName("Of one session stored twice (rows not merged yet), the higher revision is restored whichever comes first")
  void restoreKeepsHigherRevision() {
    StoredSession older = stored(501, T0, T0 + MINUTE, 10, 11);
    StoredSession newer = stored(501, T0, T0 + 2 * MINUTE, 10, 12);
    for (List<StoredSession> order : List.of(List.of(older, newer), List.of(newer, older))) {
      PartitionSessions sessions = new PartitionSessions(0, TIMEOUT, replayed);
      order.forEach(sessions::restore);
      Event next = sessions.assign(at(List.of(pageview(20, 7, T0 + 3 * MINUTE, "/next", NEWSLETTER)), 13)).get(0);
      assertThat(next.sessionId()).isEqualTo(501);
      assertThat(next.session().events()).as("continued from revision 3, order %s", order).isEqualTo(4);
      assertThat(next.session().revision()).isEqualTo(4);
    }
  }

  @Test
  @DisplayName("Of a visitor's stored sessions, the one active last is continued whichever is restored first; the earlier one answers replays of its events")
  void restoreKeepsEarlierForReplays() {
    StoredSession earlier = stored(501, T0, T0 + MINUTE, 10, 11);
    StoredSession current = stored(502, T0 + 40 * MINUTE, T0 + 41 * MINUTE, 20, 21);
    for (List<StoredSession> order : List.of(List.of(earlier, current), List.of(current, earlier))) {
      PartitionSessions sessions = new PartitionSessions(0, TIMEOUT, replayed);
      order.forEach(sessions::restore);
      List<Event> out = sessions.assign(new Delivery(0, List.of(pageview(1, 7, T0, "/a", GOOGLE),
          pageview(3, 7, T0 + 41 * MINUTE, "/y", GOOGLE), pageview(4, 7, T0 + 42 * MINUTE, "/z", GOOGLE)),
          new long[] {10, 21, 22}));
      assertThat(out).as("restored in the order %s", order).extracting(Event::sessionId)
          .containsExactly(501L, 502L, 502L);
      assertThat(out.get(0).session()).isEqualTo(earlier.totals());
      assertThat(out.get(1).session()).as("a replay counts nothing").isEqualTo(current.totals());
      assertThat(out.get(2).session().events()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("Of one earlier session stored several times, the highest revision answers replays")
  void earlierSessionKeepsHigherRevision() {
    PartitionSessions sessions = new PartitionSessions(0, TIMEOUT, replayed);
    sessions.restore(stored(502, T0 + 40 * MINUTE, T0 + 41 * MINUTE, 20, 21));
    sessions.restore(stored(501, T0, T0 + MINUTE, 10, 11));
    StoredSession highest = stored(501, T0, T0 + 3 * MINUTE, 10, 13);
    sessions.restore(highest);
    sessions.restore(stored(501, T0, T0 + 2 * MINUTE, 10, 12));

    Event replay = sessions.assign(at(List.of(pageview(1, 7, T0, "/a", GOOGLE)), 10)).get(0);
    assertThat(replay.sessionId()).isEqualTo(501);
    assertThat(replay.session()).isEqualTo(highest.totals());
  }

  @Test
  @DisplayName("A replayed event whose session was not loaded (inactive longer than was rebuilt) gets the visitor's current session and counts nothing")
  void replayOfUnknownSession() {
    PartitionSessions sessions = new PartitionSessions(0, TIMEOUT, replayed);
    StoredSession current = stored(502, T0 + 40 * MINUTE, T0 + 41 * MINUTE, 20, 21);
    sessions.restore(current);
    Event replay = sessions.assign(at(List.of(pageview(1, 7, T0, "/a", GOOGLE)), 5)).get(0);
    assertThat(replay.sessionId()).isEqualTo(502);
    assertThat(replay.session()).isEqualTo(current.totals());
    assertThat(replayed.count()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("A session is dropped once event time is 40 minutes (the timeout and 10 minutes for late events) past its last activity, checked once per minute of event time")
  void sweepByEventTime() {
    PartitionSessions sessions = new PartitionSessions(0, TIMEOUT, replayed);
    deliver(sessions, pageview(1, 7, T0, "/", GOOGLE));
    assertThat(sessions.size()).isEqualTo(1);
    deliver(sessions, pageview(2, 8, T0 + 39 * MINUTE + 30_000, "/", GOOGLE));
    assertThat(sessions.size()).as("39.5 minutes: visitor 7's session is kept").isEqualTo(2);
    deliver(sessions, pageview(3, 9, T0 + 40 * MINUTE + 12_000, "/", GOOGLE));
    assertThat(sessions.size()).as("40.2 minutes, but within a minute of the last check").isEqualTo(3);
    deliver(sessions, pageview(4, 10, T0 + 40 * MINUTE + 30_000, "/", GOOGLE));
    assertThat(sessions.size()).as("40.5 minutes: a minute after the last check, visitor 7's is dropped").isEqualTo(3);

    Event late = deliver(sessions, pageview(5, 7, T0 + 20 * MINUTE, "/late", GOOGLE)).get(0);
    assertThat(late.sessionId()).as("too late to continue the dropped session")
        .isEqualTo(SessionState.idFor("shop.example", 7, 5));
  }

  @Test
  @DisplayName("A replaced session answers replays until event time is 40 minutes past its last activity, then it is dropped too")
  void sweepOfEarlierSessions() {
    PartitionSessions sessions = new PartitionSessions(0, TIMEOUT, replayed);
    Event first = pageview(1, 7, T0, "/a", GOOGLE);
    sessions.assign(at(List.of(first), 1));
    sessions.assign(at(List.of(pageview(2, 7, T0 + 31 * MINUTE, "/b", GOOGLE)), 2));
    long earlierId = SessionState.idFor("shop.example", 7, 1);
    long currentId = SessionState.idFor("shop.example", 7, 2);
    assertThat(sessions.assign(at(List.of(first), 1)).get(0).sessionId()).as("31 minutes on").isEqualTo(earlierId);

    sessions.assign(at(List.of(pageview(3, 8, T0 + 40 * MINUTE, "/", GOOGLE)), 3));
    assertThat(sessions.assign(at(List.of(first), 1)).get(0).sessionId())
        .as("40 minutes on: dropped, the visitor's current session answers").isEqualTo(currentId);
    assertThat(sessions.size()).isEqualTo(2);
  }

  @Test
  @DisplayName("A crash between insert and commit, replayed with any batch boundaries from any committed position, yields the same session rows and event sessions as a run without a crash")
  void replayAfterCrashChangesNothing() {
    Random random = new Random(20_260_105);
    List<Event> traffic = traffic(random);
    List<Event> clean = new ArrayList<>();
    PartitionSessions once = new PartitionSessions(0, TIMEOUT, replayed);
    for (int from = 0; from < traffic.size(); from += 500) {
      clean.addAll(once.assign(at(traffic.subList(from, Math.min(traffic.size(), from + 500)), 1 + from)));
    }
    Map<Long, Event> cleanRows = rows(clean);
    Map<Long, Long> cleanSessionOf = sessionOf(clean);
    assertSameAsReference(traffic, clean);

    for (int trial = 0; trial < 25; trial++) {
      // The first writer stored the events before `inserted`, committed those before `committed`.
      int inserted = random.nextInt(traffic.size());
      int committed = Math.max(0, inserted - random.nextInt(2_000));
      PartitionSessions first = new PartitionSessions(0, TIMEOUT, replayed);
      List<Event> stored = new ArrayList<>();
      for (int from = 0; from < inserted; ) {
        int size = 1 + random.nextInt(700);
        int to = Math.min(inserted, from + size);
        stored.addAll(first.assign(at(traffic.subList(from, to), 1 + from)));
        from = to;
      }
      // The next owner rebuilds from the stored rows, then reads again from the committed position.
      PartitionSessions next = new PartitionSessions(0, TIMEOUT, replayed);
      rows(stored).values().forEach(e -> next.restore(new StoredSession(e.site(), e.sessionId(), e.visitorId(),
          e.visitSource(), e.session())));
      List<Event> replayedAndNew = new ArrayList<>();
      for (int from = committed; from < traffic.size(); ) {
        int to = Math.min(traffic.size(), from + 1 + random.nextInt(900));
        replayedAndNew.addAll(next.assign(at(traffic.subList(from, to), 1 + from)));
        from = to;
      }
      List<Event> all = new ArrayList<>(stored);
      all.addAll(replayedAndNew);
      assertThat(rows(all)).as("session rows, trial %s (inserted %s, committed %s)", trial, inserted, committed)
          .isEqualTo(cleanRows);
      assertThat(sessionOf(replayedAndNew)).as("sessions of the events read again, trial %s", trial)
          .allSatisfy((id, session) -> assertThat(session).isEqualTo(cleanSessionOf.get(id)));
    }
  }

  /**
   * The sessions of an uninterrupted run are the reference's (the rules restated from the docs,
   * independent of the production classes): the same events grouped the same way, with the same
   * totals and source.
   */
  private static void assertSameAsReference(List<Event> arrivals, List<Event> assigned) {
    ReferenceSessions.Visitors reference = new ReferenceSessions.Visitors();
    Map<Long, ReferenceSessions.Session> referenceOf = new HashMap<>();
    long[] ids = {0};
    for (Event e : arrivals) {
      reference.take(e, () -> ++ids[0]).ifPresent(session -> referenceOf.put(e.eventId(), session));
    }
    Map<Long, ReferenceSessions.Session> sessionFor = new HashMap<>();
    Map<Long, Event> lastOfSession = new HashMap<>();
    for (Event e : assigned) {
      ReferenceSessions.Session expected = referenceOf.get(e.eventId());
      if (expected == null) {
        assertThat(e.session()).as("a ping outside any session: %s", e).isEqualTo(SessionTotals.NONE);
        continue;
      }
      ReferenceSessions.Session before = sessionFor.putIfAbsent(e.sessionId(), expected);
      assertThat(before == null ? expected : before).as("the reference session of event %s", e.eventId())
          .isSameAs(expected);
      lastOfSession.put(e.sessionId(), e);
    }
    assertThat(sessionFor).hasSize((int) referenceOf.values().stream().distinct().count());
    lastOfSession.forEach((id, e) -> {
      ReferenceSessions.Session expected = sessionFor.get(id);
      SessionTotals t = e.session();
      assertThat(new SessionTotals(t.startMillis(), t.endMillis(), t.events(), t.pageviews(), t.interactive(),
          t.entryPage(), t.exitPage())).as("totals of session %s", id).isEqualTo(expected.totals());
      assertThat(t.lastActivityMillis()).isEqualTo(expected.lastActivity());
      assertThat(e.visitSource()).isEqualTo(expected.source());
    });
  }

  /**
   * Three hours of 300 visitors: pageviews, custom events and pings with gaps of seconds to an
   * hour, every visitor's events jittered by up to five seconds out of order.
   */
  private static List<Event> traffic(Random random) {
    List<Event> events = new ArrayList<>();
    long id = 1;
    for (long visitor = 1; visitor <= 300; visitor++) {
      long t = T0 + random.nextInt(3_600_000);
      while (t < T0 + 3 * 3_600_000L) {
        int kind = random.nextInt(10);
        String name = kind < 6 ? Event.PAGEVIEW : kind < 8 ? Event.ENGAGEMENT : "Signup";
        VisitSource source = random.nextBoolean() ? GOOGLE : NEWSLETTER;
        events.add(event(id++, visitor, t, name, "/p" + random.nextInt(20), source, kind < 6 || kind == 8));
        int gap = random.nextInt(100);
        t += gap < 80 ? random.nextInt(120_000) : gap < 95 ? random.nextInt(25 * 60_000) : 25 * 60_000 + random.nextInt(40 * 60_000);
      }
    }
    // Arrival order: by time, each event up to five seconds late or early.
    Map<Long, Long> arrival = new HashMap<>();
    events.forEach(e -> arrival.put(e.eventId(), e.timestampMillis() + random.nextInt(10_000) - 5_000));
    events.sort(Comparator.comparingLong((Event e) -> arrival.get(e.eventId())));
    return events;
  }

  /** The sessions table as a store keeps it: per session, the event with the highest revision. */
  private static Map<Long, Event> rows(List<Event> events) {
    Map<Long, Event> rows = new HashMap<>();
    for (Event e : EventsSchema.newestPerSession(events)) {
      rows.put(e.sessionId(), Event.builder().site(e.site()).sessionId(e.sessionId()).visitorId(e.visitorId())
          .visitSource(e.visitSource()).session(e.session()).build());
    }
    return rows;
  }

  private static Map<Long, Long> sessionOf(List<Event> events) {
    Map<Long, Long> sessions = new HashMap<>();
    events.forEach(e -> sessions.put(e.eventId(), e.sessionId()));
    return sessions;
  }
}

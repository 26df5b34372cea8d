package io.trackflow.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.session.SessionTouch.Kind;
import io.trackflow.core.testdata.ReferenceSessions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SessionStore} adapter must have: the session rules of
 * docs/collector.md (restated in {@link ReferenceSessions}), applied atomically. Time is the events' own, so the 30-minute timeout is tested without
 * waiting; {@link #clock} is only what an adapter uses for its own housekeeping.
 */
public abstract class SessionStoreContract {

  protected static final Duration TIMEOUT = Duration.ofMinutes(30);
  protected static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
  private static final long MINUTE = 60_000;
  protected static final VisitSource GOOGLE =
      new VisitSource("https://www.google.com/", "Google", "", "", "", "", "");
  private static final VisitSource CAMPAIGN =
      new VisitSource("", "Newsletter", "newsletter", "email", "spring \"sale\"", "a'b", "c\\d");

  protected Vertx vertx;
  protected MutableClock clock;
  private final List<SessionStore> created = new ArrayList<>();

  /** Builds a fresh adapter; {@code clock} drives its housekeeping (fallback retries). */
  protected abstract SessionStore create(Vertx vertx, MutableClock clock, Duration timeout) throws Exception;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    clock = new MutableClock(Instant.ofEpochMilli(T0));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (SessionStore s : created) {
      await(s.close());
    }
    await(vertx.close());
  }

  protected SessionStore store() throws Exception {
    SessionStore s = create(vertx, clock, TIMEOUT);
    created.add(s);
    return s;
  }

  protected static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static final java.util.concurrent.atomic.AtomicLong VISITORS =
      new java.util.concurrent.atomic.AtomicLong(new Random().nextLong());

  /** A visitor no other test uses (Redis keeps its sessions between tests). */
  protected static long visitor() {
    return VISITORS.getAndAdd(0x9E3779B97F4A7C15L);
  }

  protected static SessionTouch pageview(long visitor, long at, String path) {
    return new SessionTouch(visitor, at, Kind.PAGEVIEW, path, VisitSource.DIRECT);
  }

  protected static SessionSnapshot one(SessionStore s, SessionTouch touch) throws Exception {
    return await(s.track(List.of(touch))).get(0);
  }

  @Test
  @DisplayName("A visitor seen again within 30 minutes keeps its session, and every event restarts the timeout")
  void keepsSessionWhileActive() throws Exception {
    SessionStore s = store();
    long v = visitor();
    long first = one(s, pageview(v, T0, "/")).sessionId();
    assertThat(one(s, pageview(v, T0 + 20 * MINUTE, "/a")).sessionId()).isEqualTo(first);
    assertThat(one(s, pageview(v, T0 + 40 * MINUTE, "/b")).sessionId()).isEqualTo(first);
    assertThat(one(s, pageview(v, T0 + 70 * MINUTE - 1, "/c")).sessionId()).isEqualTo(first);
  }

  @Test
  @DisplayName("After 30 minutes without an event the visitor's next event starts a new session with fresh totals")
  void newSessionAfterTimeout() throws Exception {
    SessionStore s = store();
    long v = visitor();
    SessionSnapshot first = one(s, pageview(v, T0, "/"));
    one(s, pageview(v, T0 + MINUTE, "/a"));
    SessionSnapshot second = one(s, new SessionTouch(v, T0 + 31 * MINUTE, Kind.PAGEVIEW, "/b", GOOGLE));
    assertThat(second.sessionId()).isNotEqualTo(first.sessionId());
    assertThat(second.totals()).isEqualTo(new SessionTotals(T0 + 31 * MINUTE, T0 + 31 * MINUTE, 1, 1, 0, "/b", "/b"));
    assertThat(second.source()).isEqualTo(GOOGLE);
    assertThat(one(s, pageview(v, T0 + 36 * MINUTE, "/c")).sessionId()).isEqualTo(second.sessionId());
  }

  @Test
  @DisplayName("Different visitors get different, non-zero sessions, and a visitor repeated in one call gets one session")
  void distinctVisitorsAndRepeatsInOneCall() throws Exception {
    SessionStore s = store();
    long a = visitor();
    long b = visitor();
    List<Long> ids = await(s.track(List.of(pageview(a, T0, "/"), pageview(b, T0, "/"),
        pageview(a, T0 + 1, "/x"), pageview(b, T0 + 2, "/y"), pageview(a, T0 + 3, "/z"))))
        .stream().map(SessionSnapshot::sessionId).toList();
    assertThat(ids).doesNotContain(0L);
    assertThat(ids.get(0)).isNotEqualTo(ids.get(1));
    assertThat(ids).containsExactly(ids.get(0), ids.get(1), ids.get(0), ids.get(1), ids.get(0));
  }

  @Test
  @DisplayName("A large batch of new visitors gets as many distinct sessions, answered in order")
  void largeBatch() throws Exception {
    SessionStore s = store();
    List<Long> visitors = IntStream.range(0, 500).mapToObj(i -> visitor()).toList();
    List<Long> first = await(s.track(visitors.stream().map(v -> pageview(v, T0, "/")).toList()))
        .stream().map(SessionSnapshot::sessionId).toList();
    assertThat(new HashSet<>(first)).hasSize(500);
    List<Long> reversed = new ArrayList<>(visitors);
    java.util.Collections.reverse(reversed);
    List<SessionSnapshot> again = await(s.track(reversed.stream().map(v -> pageview(v, T0 + MINUTE, "/2")).toList()));
    List<Long> expected = new ArrayList<>(first);
    java.util.Collections.reverse(expected);
    assertThat(again.stream().map(SessionSnapshot::sessionId).toList()).containsExactlyElementsOf(expected);
    assertThat(again).allSatisfy(snapshot -> assertThat(snapshot.totals().pageviews()).isEqualTo(2));
  }

  @Test
  @DisplayName("Totals follow the visit: earliest start, latest end, counts by kind, entry and exit pages by time, the first event's source")
  void totalsFollowTheVisit() throws Exception {
    SessionStore s = store();
    long v = visitor();
    one(s, new SessionTouch(v, T0 + 10_000, Kind.PAGEVIEW, "/landing", CAMPAIGN));
    one(s, new SessionTouch(v, T0 + 20_000, Kind.NON_INTERACTIVE, "/landing", GOOGLE));
    SessionSnapshot afterQuiet = one(s, new SessionTouch(v, T0 + 25_000, Kind.ENGAGEMENT, "/landing", GOOGLE));
    assertThat(afterQuiet.totals()).isEqualTo(new SessionTotals(T0 + 10_000, T0 + 20_000, 2, 1, 0, "/landing", "/landing"));
    assertThat(afterQuiet.totals().bounced()).isTrue();
    // Arrives late but happened first: it becomes the start and the entry page, not the exit.
    one(s, new SessionTouch(v, T0 + 5_000, Kind.PAGEVIEW, "/earlier", GOOGLE));
    one(s, new SessionTouch(v, T0 + 60_000, Kind.PAGEVIEW, "/pricing", GOOGLE));
    SessionSnapshot last = one(s, new SessionTouch(v, T0 + 61_000, Kind.INTERACTIVE, "/pricing", GOOGLE));
    assertThat(last.totals()).isEqualTo(new SessionTotals(T0 + 5_000, T0 + 61_000, 5, 3, 1, "/earlier", "/pricing"));
    assertThat(last.source()).isEqualTo(CAMPAIGN);
    assertThat(last.totals().bounced()).isFalse();
  }

  @Test
  @DisplayName("Engagement pings keep a live session alive without counting, and outside a session they start none")
  void engagementPings() throws Exception {
    SessionStore s = store();
    long v = visitor();
    SessionSnapshot orphan = one(s, new SessionTouch(v, T0, Kind.ENGAGEMENT, "/read", GOOGLE));
    assertThat(orphan.sessionId()).isNotZero();
    assertThat(orphan.totals()).isEqualTo(SessionTotals.NONE);
    assertThat(orphan.source()).isEqualTo(GOOGLE);
    SessionSnapshot started = one(s, pageview(v, T0 + MINUTE, "/read"));
    assertThat(started.sessionId()).isNotEqualTo(orphan.sessionId());
    assertThat(started.totals().events()).isEqualTo(1);
    // 25 minutes of reading keep the session alive past its last pageview's timeout.
    SessionSnapshot ping = one(s, new SessionTouch(v, T0 + 26 * MINUTE, Kind.ENGAGEMENT, "/read", VisitSource.DIRECT));
    assertThat(ping.sessionId()).isEqualTo(started.sessionId());
    assertThat(ping.totals()).isEqualTo(started.totals());
    SessionSnapshot next = one(s, pageview(v, T0 + 50 * MINUTE, "/next"));
    assertThat(next.sessionId()).isEqualTo(started.sessionId());
    assertThat(next.totals()).isEqualTo(new SessionTotals(T0 + MINUTE, T0 + 50 * MINUTE, 2, 2, 0, "/read", "/next"));
  }

  @Test
  @DisplayName("Released touches are taken back, so a retried event is counted once")
  void releaseTakesTouchesBack() throws Exception {
    SessionStore s = store();
    long v = visitor();
    one(s, pageview(v, T0, "/"));
    List<SessionTouch> failed = List.of(pageview(v, T0 + 1_000, "/a"),
        new SessionTouch(v, T0 + 2_000, Kind.INTERACTIVE, "/a", VisitSource.DIRECT));
    List<SessionSnapshot> unpublished = await(s.track(failed));
    await(s.release(failed, unpublished));
    List<SessionSnapshot> retried = await(s.track(List.of(pageview(v, T0 + 9_000, "/a"),
        new SessionTouch(v, T0 + 9_500, Kind.INTERACTIVE, "/a", VisitSource.DIRECT))));
    SessionTotals totals = retried.get(1).totals();
    assertThat(totals.events()).isEqualTo(3);
    assertThat(totals.pageviews()).isEqualTo(2);
    assertThat(totals.interactive()).isEqualTo(1);
    assertThat(retried.get(1).sessionId()).isEqualTo(unpublished.get(0).sessionId());
  }

  @Test
  @DisplayName("An event exactly 30 minutes after the last activity starts a new session; one a millisecond sooner continues it")
  void timeoutBoundary() throws Exception {
    SessionStore s = store();
    long v = visitor();
    long first = one(s, pageview(v, T0, "/")).sessionId();
    SessionSnapshot justInTime = one(s, pageview(v, T0 + TIMEOUT.toMillis() - 1, "/a"));
    assertThat(justInTime.sessionId()).isEqualTo(first);
    SessionSnapshot tooLate = one(s, pageview(v, T0 + 2 * TIMEOUT.toMillis() - 1, "/b"));
    assertThat(tooLate.sessionId()).isNotEqualTo(first);
    assertThat(tooLate.totals().events()).isEqualTo(1);
    // A ping at exactly the timeout belongs to no session and does not revive the old one.
    SessionSnapshot ping = one(s, new SessionTouch(v, T0 + 3 * TIMEOUT.toMillis() - 1, Kind.ENGAGEMENT, "/b", GOOGLE));
    assertThat(ping.sessionId()).isNotEqualTo(tooLate.sessionId());
    assertThat(ping.totals()).isEqualTo(SessionTotals.NONE);
  }

  @Test
  @DisplayName("A late event joins the live session even when it happened before the start, and does not pull its last activity back")
  void lateEventJoinsWithoutRewindingActivity() throws Exception {
    SessionStore s = store();
    long v = visitor();
    long first = one(s, pageview(v, T0 + 10 * MINUTE, "/second")).sessionId();
    SessionSnapshot late = one(s, pageview(v, T0, "/first"));
    assertThat(late.sessionId()).isEqualTo(first);
    assertThat(late.totals()).isEqualTo(new SessionTotals(T0, T0 + 10 * MINUTE, 2, 2, 0, "/first", "/second"));
    // 29 minutes after the latest activity (39 after the late event): still the same visit.
    SessionSnapshot next = one(s, pageview(v, T0 + 39 * MINUTE, "/third"));
    assertThat(next.sessionId()).isEqualTo(first);
    assertThat(next.totals().exitPage()).isEqualTo("/third");
  }

  /**
   * Checked against {@link ReferenceSessions}, the rules written out from the docs, so a change
   * in {@link SessionState} (which the in-memory store is built on) or in the Redis script shows.
   * Deliberate breaks of {@code SessionState} that fail here: {@code expiredAt} with {@code >}
   * for {@code >=}, the exit page kept from the earlier of two pageviews at the same time, the
   * entry page taken from the later of them, engagement pings moving the end, non-interactive
   * events counted as interactive.
   */
  @Test
  @DisplayName("Random interleavings of visitors, kinds, late events and timeouts give exactly the totals of the reference rules")
  void matchesReferenceRules() throws Exception {
    SessionStore s = store();
    Random random = new Random(20260301);
    List<Long> visitors = IntStream.range(0, 12).mapToObj(i -> visitor()).toList();
    ReferenceSessions.Visitors reference = new ReferenceSessions.Visitors();
    Set<Long> usedIds = new HashSet<>();
    long now = T0;
    Kind[] kinds = Kind.values();
    String[] paths = {"/", "/a", "/b", "/ü'ber", ""};
    VisitSource[] sources = {VisitSource.DIRECT, GOOGLE, CAMPAIGN};
    for (int round = 0; round < 150; round++) {
      List<SessionTouch> touches = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(8); i++) {
        Kind kind = kinds[random.nextInt(kinds.length)];
        String path = paths[random.nextInt(paths.length)];
        VisitSource source = sources[random.nextInt(sources.length)];
        if (!touches.isEmpty() && random.nextInt(5) == 0) {
          // Another event of the same visitor in the same millisecond (ties between pages).
          SessionTouch previous = touches.get(touches.size() - 1);
          touches.add(new SessionTouch(previous.visitorId(), previous.timestampMillis(), kind, path, source));
          continue;
        }
        // Time mostly moves on by seconds to minutes, sometimes pauses past the timeout or
        // exactly to it (or a millisecond short); some events arrive late (their client's
        // clock or a slow network).
        now += switch (random.nextInt(40)) {
          case 0, 1 -> 31 * MINUTE;
          case 2, 3 -> TIMEOUT.toMillis();
          case 4, 5 -> TIMEOUT.toMillis() - 1;
          default -> random.nextInt(3 * 60_000);
        };
        long at = random.nextInt(8) == 0 ? now - random.nextInt(60_000) : now;
        touches.add(new SessionTouch(visitors.get(random.nextInt(visitors.size())), at, kind, path, source));
      }
      List<SessionSnapshot> answered = await(s.track(touches));
      for (int i = 0; i < touches.size(); i++) {
        SessionTouch t = touches.get(i);
        SessionSnapshot answer = answered.get(i);
        boolean[] started = {false};
        Optional<ReferenceSessions.Session> session = reference.take(asEvent(t), () -> {
          started[0] = true;
          return answer.sessionId();
        });
        SessionSnapshot expected = session
            .map(r -> new SessionSnapshot(r.id(), r.totals(), r.source()))
            .orElse(new SessionSnapshot(answer.sessionId(), SessionTotals.NONE, t.source()));
        assertThat(answer).as("touch %d of round %d", i, round).isEqualTo(expected);
        if (started[0] || session.isEmpty()) {
          assertThat(usedIds.add(answer.sessionId())).as("touch %d of round %d gets a fresh id", i, round).isTrue();
        }
      }
    }
  }

  /** The event a touch stands for, as the reference rules read events. */
  private static Event asEvent(SessionTouch t) {
    String name = switch (t.kind()) {
      case PAGEVIEW -> "pageview";
      case ENGAGEMENT -> "engagement";
      case INTERACTIVE, NON_INTERACTIVE -> "Custom";
    };
    return Event.builder().visitorId(t.visitorId()).timestampMillis(t.timestampMillis()).name(name)
        .interactive(t.kind() != Kind.NON_INTERACTIVE).pathname(t.pathname()).visitSource(t.source())
        .build();
  }

  @Test
  @DisplayName("An adapter whose store is reachable reports itself healthy")
  void healthyWhenReachable() throws Exception {
    SessionStore s = store();
    one(s, pageview(visitor(), T0, "/"));
    assertThat(s.healthy()).isTrue();
  }
}

package io.trackflow.writer;

import io.micrometer.core.instrument.Timer;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.Delivery;
import io.trackflow.core.queue.PartitionAssignment;
import io.trackflow.core.session.StoredSession;
import io.trackflow.core.store.EventStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open sessions of every partition this writer owns, kept on the writer's context.
 *
 * <p>When partitions are assigned, their sessions are rebuilt from the store before their first
 * delivery: every session whose last activity is within the timeout (plus a margin for events
 * a little late) of now, kept where its visitor maps to one of the new partitions. A delivery
 * whose events are older than what was loaded (a partition behind by more than the margin)
 * first loads the older sessions it may continue. Deliveries of a partition are given their
 * sessions in order; while a load runs, the partition's later deliveries wait behind it. A
 * failing load is retried with backoff for as long as the partition is owned.
 */
final class SessionKeeper {

  private static final Logger log = LoggerFactory.getLogger(SessionKeeper.class);
  /** How far before the timeout sessions are loaded: events wait a little in the queue. */
  static final long MARGIN_MILLIS = 5 * 60_000;

  private final Vertx vertx;
  private final EventStore store;
  private final Clock clock;
  private final long timeoutMillis;
  private final WriterOptions options;
  private final WriterMetrics metrics;
  private final Map<Integer, Owned> owned = new HashMap<>();

  /**
   * One owned partition: its sessions, the assignment that gave it (how visitors map onto
   * partitions), how far back its sessions were loaded, and the end of its chain of deliveries.
   */
  private static final class Owned {
    final PartitionSessions sessions;
    final PartitionAssignment assignment;
    long loadedFrom;
    Future<Void> tail;
    boolean dropped;

    Owned(PartitionSessions sessions, PartitionAssignment assignment, long loadedFrom) {
      this.sessions = sessions;
      this.assignment = assignment;
      this.loadedFrom = loadedFrom;
    }
  }

  SessionKeeper(Vertx vertx, EventStore store, Clock clock, Duration timeout, WriterOptions options,
      WriterMetrics metrics) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
    this.timeoutMillis = timeout.toMillis();
    this.options = options;
    this.metrics = metrics;
  }

  /** Takes the partitions over; the future completes once their open sessions are loaded. */
  Future<Void> assigned(PartitionAssignment assignment) {
    long from = clock.millis() - timeoutMillis - MARGIN_MILLIS;
    Map<Integer, Owned> fresh = new HashMap<>();
    for (int partition : assignment.partitions()) {
      Owned o = new Owned(new PartitionSessions(partition, timeoutMillis, metrics.replayed), assignment, from);
      fresh.put(partition, o);
      Owned before = owned.put(partition, o);
      if (before != null) {
        before.dropped = true;
      }
    }
    Future<Void> loaded = load(fresh, from, Long.MAX_VALUE, 1);
    fresh.values().forEach(o -> o.tail = loaded);
    return loaded;
  }

  /** Gives up the partitions: their sessions are dropped, their waiting deliveries fail. */
  void revoked(Set<Integer> partitions) {
    for (int partition : partitions) {
      Owned o = owned.remove(partition);
      if (o != null) {
        o.dropped = true;
      }
    }
    metrics.openSessions.set(size());
  }

  /** Gives up every partition (the writer stops). */
  void revokeAll() {
    revoked(Set.copyOf(owned.keySet()));
  }

  /** The delivery's events with their sessions, in delivery order within its partition. */
  Future<List<Event>> sessionize(Delivery delivery) {
    Owned o = owned.get(delivery.partition());
    if (o == null) {
      return Future.failedFuture(new IllegalStateException("partition " + delivery.partition() + " is not owned"));
    }
    long oldest = Long.MAX_VALUE;
    for (Event e : delivery.events()) {
      oldest = Math.min(oldest, e.timestampMillis());
    }
    long needed = oldest - timeoutMillis - MARGIN_MILLIS;
    if (needed < o.loadedFrom) {
      // Behind by more than the margin: the sessions its events may continue were not loaded.
      long to = o.loadedFrom;
      o.loadedFrom = needed;
      o.tail = o.tail.compose(v -> load(Map.of(delivery.partition(), o), needed, to, 1));
    }
    Future<List<Event>> assigned = o.tail.compose(v -> {
      if (o.dropped) {
        return Future.failedFuture(new IllegalStateException("partition " + delivery.partition() + " was revoked"));
      }
      List<Event> events = o.sessions.assign(delivery);
      metrics.openSessions.set(size());
      return Future.succeededFuture(events);
    });
    o.tail = assigned.mapEmpty();
    return assigned;
  }

  /** Open sessions held, over every owned partition. */
  int size() {
    int size = 0;
    for (Owned o : owned.values()) {
      size += o.sessions.size();
    }
    return size;
  }

  /** Loads sessions active in [from, to) into the partitions of {@code into} still owned. */
  private Future<Void> load(Map<Integer, Owned> into, long from, long to, int attempt) {
    if (into.values().stream().allMatch(o -> o.dropped)) {
      return Future.succeededFuture();
    }
    // Every partition of one load came with the same assignment.
    PartitionAssignment assignment = into.values().iterator().next().assignment;
    Timer.Sample sample = metrics.startTimer();
    return store.openSessions(from, to)
        .map(stored -> {
          List<StoredSession> kept = new ArrayList<>();
          for (StoredSession s : stored) {
            Owned o = into.get(assignment.partitionOf(s.visitorId()));
            if (o != null && !o.dropped) {
              o.sessions.restore(s);
              kept.add(s);
            }
          }
          long nanos = sample.stop(metrics.rebuild);
          metrics.rebuiltSessions.increment(kept.size());
          metrics.openSessions.set(size());
          log.info("Partitions {}: {} open sessions loaded ({} read) in {} ms", into.keySet(), kept.size(),
              stored.size(), nanos / 1_000_000);
          return (Void) null;
        })
        .recover(e -> {
          metrics.rebuildFailures.increment();
          Duration pause = options.backoff(attempt);
          log.warn("Loading the open sessions of partitions {} failed (attempt {}), retrying in {} ms: {}",
              into.keySet(), attempt, pause.toMillis(), e.toString());
          return vertx.timer(pause.toMillis()).compose(t -> load(into, from, to, attempt + 1));
        });
  }
}

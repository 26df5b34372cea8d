package io.trackflow.writer;

import io.trackflow.core.event.Event;
import io.trackflow.core.session.StoredSession;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.SqlDialect;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * An event store for writer unit tests: keeps every insert attempt, stores distinct event ids,
 * and answers each insert as the current behaviour says (succeed, fail, hold until released).
 */
final class MemoryEventStore implements EventStore {

  private final List<List<Event>> attempts = new ArrayList<>();
  private final List<List<Event>> inserted = new ArrayList<>();
  private final Set<Long> ids = new HashSet<>();
  private final List<Promise<Void>> held = new ArrayList<>();
  private Function<List<Event>, Future<Void>> behaviour = rows -> Future.succeededFuture();
  private int migrations;
  private int openSessionFailures;

  synchronized MemoryEventStore succeed() {
    behaviour = rows -> Future.succeededFuture();
    return this;
  }

  synchronized MemoryEventStore fail() {
    behaviour = rows -> Future.failedFuture(new IllegalStateException("store unavailable"));
    return this;
  }

  /** Inserts wait until {@link #release()}. */
  synchronized MemoryEventStore hold() {
    behaviour = rows -> {
      Promise<Void> promise = Promise.promise();
      held.add(promise);
      return promise.future();
    };
    return this;
  }

  void release() {
    List<Promise<Void>> toRelease;
    synchronized (this) {
      toRelease = new ArrayList<>(held);
      held.clear();
      behaviour = rows -> Future.succeededFuture();
    }
    toRelease.forEach(Promise::complete);
  }

  @Override
  public synchronized Future<Void> migrate() {
    migrations++;
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> insert(List<Event> events) {
    List<Event> copy = List.copyOf(events);
    Future<Void> answer;
    synchronized (this) {
      attempts.add(copy);
      answer = behaviour.apply(copy);
    }
    return answer.andThen(ar -> {
      if (ar.succeeded()) {
        synchronized (this) {
          inserted.add(copy);
          copy.forEach(e -> ids.add(e.eventId()));
        }
      }
    });
  }

  synchronized List<List<Event>> attempts() {
    return List.copyOf(attempts);
  }

  synchronized List<Integer> insertedSizes() {
    return inserted.stream().map(List::size).toList();
  }

  synchronized Set<Long> storedIds() {
    return Set.copyOf(ids);
  }

  synchronized int rows() {
    return inserted.stream().mapToInt(List::size).sum();
  }

  synchronized int heldInserts() {
    return held.size();
  }

  synchronized int migrations() {
    return migrations;
  }

  @Override
  public Future<QueryResult> query(java.util.function.Function<io.trackflow.core.store.ReadView, String> statement) {
    return Future.succeededFuture(new QueryResult(List.of("count"), List.of(List.of((Object) (long) storedIds().size()))));
  }

  /** The next {@code n} reads of open sessions fail. */
  synchronized MemoryEventStore failOpenSessions(int n) {
    openSessionFailures = n;
    return this;
  }

  /** The newest row of each session inserted so far whose last activity lies in the range. */
  @Override
  public synchronized Future<List<StoredSession>> openSessions(long fromMillis, long toMillis) {
    if (openSessionFailures > 0) {
      openSessionFailures--;
      return Future.failedFuture(new IllegalStateException("store unavailable"));
    }
    List<Event> all = new ArrayList<>();
    inserted.forEach(all::addAll);
    List<StoredSession> open = new ArrayList<>();
    for (Event e : EventsSchema.newestPerSession(all)) {
      long last = e.session().lastActivityMillis();
      if (last >= fromMillis && last < toMillis) {
        open.add(new StoredSession(e.site(), e.sessionId(), e.visitorId(), e.visitSource(), e.session()));
      }
    }
    return Future.succeededFuture(open);
  }

  @Override
  public Future<Void> deleteSite(String site) {
    return Future.failedFuture(new UnsupportedOperationException("not needed by the writer"));
  }

  @Override
  public SqlDialect dialect() {
    return SqlDialect.DUCKDB;
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}

package io.trackflow.core.store;

import io.trackflow.core.event.Event;
import io.trackflow.core.session.StoredSession;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/**
 * An event store that passes every call to another: tests and benchmarks extend it to change or
 * watch one call (an insert that freezes, an insert that is timed) and keep the rest real.
 */
public abstract class ForwardingEventStore implements EventStore {

  protected final EventStore inner;

  protected ForwardingEventStore(EventStore inner) {
    this.inner = inner;
  }

  @Override
  public Future<Void> migrate() {
    return inner.migrate();
  }

  @Override
  public Future<Void> insert(List<Event> events) {
    return inner.insert(events);
  }

  @Override
  public Future<List<StoredSession>> openSessions(long fromMillis, long toMillis) {
    return inner.openSessions(fromMillis, toMillis);
  }

  @Override
  public Future<QueryResult> query(Function<ReadView, String> statement) {
    return inner.query(statement);
  }

  @Override
  public Future<Integer> compact() {
    return inner.compact();
  }

  @Override
  public Future<Void> deleteSite(String site) {
    return inner.deleteSite(site);
  }

  @Override
  public Future<Void> replaceRollups(io.trackflow.core.rollup.RollupBuild build,
      List<io.trackflow.core.rollup.RollupRow> rows) {
    return inner.replaceRollups(build, rows);
  }

  @Override
  public Future<Void> dropRollups(java.time.LocalDate day) {
    return inner.dropRollups(day);
  }

  @Override
  public SqlDialect dialect() {
    return inner.dialect();
  }

  @Override
  public Future<Boolean> ping() {
    return inner.ping();
  }

  @Override
  public Future<Void> close() {
    return inner.close();
  }
}

package io.trackflow.adapters.store.clickhouse;

import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.SqlLiterals;
import io.trackflow.core.store.StoredTable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads {@link PartsState}s from {@code system.parts} and shares them: concurrent readers that
 * need a state read after a given moment join one request, and at most one more waits behind
 * the request in flight, so a dashboard's burst of statements costs a couple of small reads.
 */
final class PartitionParts {

  /** How old a state may be when a statement starts (it is checked again after it ends). */
  private static final long RECENT_NANOS = 1_000_000_000L;

  private final Supplier<Future<QueryResult>> read;
  private Fetch inFlight;
  private Promise<PartsState> queued;
  private Fetch last;

  private record Fetch(long startedAt, Future<PartsState> result) {}

  PartitionParts(java.util.function.Function<String, Future<QueryResult>> query, String database) {
    String sql = "SELECT table, partition_id, groupArray(name) AS parts FROM system.parts"
        + " WHERE database = " + SqlLiterals.quote(SqlDialect.CLICKHOUSE, database)
        + " AND active AND table IN ('" + EventsSchema.TABLE + "', '" + EventsSchema.SESSIONS_TABLE
        + "') GROUP BY table, partition_id";
    this.read = () -> query.apply(sql);
  }

  /** A state read at most a second ago, or read now. */
  synchronized Future<PartsState> recent() {
    long now = System.nanoTime();
    if (last != null && now - last.startedAt() < RECENT_NANOS && last.result().succeeded()) {
      return last.result();
    }
    return readAfter(now - RECENT_NANOS);
  }

  /** A state whose read started at or after {@code nanoTime} ({@link System#nanoTime()}). */
  synchronized Future<PartsState> readAfter(long nanoTime) {
    if (inFlight != null) {
      if (inFlight.startedAt() - nanoTime >= 0) {
        return inFlight.result();
      }
      if (queued == null) {
        queued = Promise.promise();
      }
      return queued.future();
    }
    return start().result();
  }

  private Fetch start() {
    long startedAt = System.nanoTime();
    Future<PartsState> result = read.get().map(PartitionParts::parse);
    Fetch fetch = new Fetch(startedAt, result);
    inFlight = fetch;
    result.onComplete(ar -> finished(fetch));
    return fetch;
  }

  private void finished(Fetch fetch) {
    Promise<PartsState> next;
    synchronized (this) {
      if (inFlight == fetch) {
        inFlight = null;
      }
      last = fetch;
      next = queued;
      queued = null;
      if (next != null) {
        // Everyone waiting joined while the previous read was in flight: this one starts later.
        start().result().onComplete(next);
      }
    }
  }

  private static PartsState parse(QueryResult result) {
    Map<StoredTable, Map<String, List<String>>> parts = new EnumMap<>(StoredTable.class);
    for (StoredTable t : StoredTable.values()) {
      parts.put(t, new HashMap<>());
    }
    for (List<Object> row : result.rows()) {
      StoredTable table = EventsSchema.TABLE.equals(row.get(0)) ? StoredTable.EVENTS : StoredTable.SESSIONS;
      @SuppressWarnings("unchecked")
      List<String> names = ((List<Object>) row.get(2)).stream().map(String::valueOf).sorted().toList();
      parts.get(table).put((String) row.get(1), names);
    }
    return new PartsState(parts);
  }
}

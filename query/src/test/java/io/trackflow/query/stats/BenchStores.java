package io.trackflow.query.stats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.store.EventStore;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One store per data set and kind, kept between runs: ClickHouse database
 * {@code trackflow_bench_<name>}, DuckDB file {@code <dir>/query-events-<name>.duckdb}, where the
 * name is the size's label ({@code 1m}, {@code 10m}, {@code 50m}). A store already holding its
 * events is reused; sizes up to {@code loadLimit} are loaded through the adapter, larger ones
 * are copies of the {@code copyBase} store made inside the store.
 */
final class BenchStores {

  private final Vertx vertx;
  private final String clickHouseUrl;
  private final Path duckDbDir;
  private final long loadLimit;
  private final long copyBase;

  BenchStores(Vertx vertx, String clickHouseUrl, Path duckDbDir, long loadLimit, long copyBase) {
    this.vertx = vertx;
    this.clickHouseUrl = clickHouseUrl;
    this.duckDbDir = duckDbDir;
    this.loadLimit = loadLimit;
    this.copyBase = copyBase;
  }

  /** The open, migrated store of {@code size} events, loaded or copied unless it holds them already. */
  EventStore prepare(String kind, long size) throws Exception {
    String name = BenchData.label(size).toLowerCase(Locale.ROOT);
    if (size > loadLimit) {
      if (size % copyBase != 0 || copyBase > loadLimit) {
        throw new IllegalArgumentException(size + " events: not a multiple of -Dcopy.base=" + copyBase
            + " (at most -Dload.limit=" + loadLimit + ")");
      }
      return copies(kind, copyBase, (int) (size / copyBase), name);
    }
    EventStore store = open(kind, name);
    if (BenchData.holds(store, size)) {
      System.out.printf(Locale.ROOT, "%s %s: %,d events already stored, not loading%n", kind, name, BenchData.count(store));
    } else {
      BenchData.load(store, size);
    }
    return timeOrdered(kind, name, store);
  }

  /** A DuckDB store with its rows in time order, as a writer leaves them ({@link BenchData#orderDuckDbByTime}). */
  private EventStore timeOrdered(String kind, String name, EventStore store) throws Exception {
    if (!kind.equals("duckdb")) {
      return store;
    }
    BenchData.await(store.close());
    BenchData.orderDuckDbByTime(file(name));
    return open(kind, name);
  }

  /**
   * The open store {@code name} holding {@code copies} in-store copies of the loaded store of
   * {@code base} events (prepared first if needed), made unless it holds them already.
   */
  EventStore copies(String kind, long base, int copies, String name) throws Exception {
    EventStore target = open(kind, name);
    long wanted = base * copies;
    if (BenchData.holds(target, wanted)) {
      System.out.printf(Locale.ROOT, "%s %s: %,d events already stored, not copying%n", kind, name, BenchData.count(target));
      return timeOrdered(kind, name, target);
    }
    String baseName = BenchData.label(base).toLowerCase(Locale.ROOT);
    EventStore baseStore = prepare(kind, base);
    if (kind.equals("clickhouse")) {
      // Partly filled by an interrupted copy: start again from an empty database.
      BenchData.await(target.close());
      BenchData.clickHouse(clickHouseUrl, "default", "DROP DATABASE IF EXISTS " + database(name));
      target = open(kind, name);
      BenchData.copyClickHouse(clickHouseUrl, database(baseName), database(name), copies);
      BenchData.await(baseStore.close());
      return target;
    }
    // DuckDB: one process may hold a file open, so the copy runs between closed stores.
    BenchData.await(baseStore.close());
    BenchData.await(target.close());
    Files.deleteIfExists(file(name));
    Files.deleteIfExists(file(name).resolveSibling(file(name).getFileName() + ".wal"));
    BenchData.await(open(kind, name).close());
    BenchData.copyDuckDb(file(baseName), file(name), copies);
    return timeOrdered(kind, name, open(kind, name));
  }

  /** The open, migrated store called {@code name}. */
  EventStore open(String kind, String name) throws Exception {
    EventStore store = switch (kind) {
      case "clickhouse" -> new ClickHouseEventStore(vertx, ClickHouseOptions.of(clickHouseUrl, database(name)),
          new SimpleMeterRegistry());
      case "duckdb" -> {
        Files.createDirectories(duckDbDir);
        yield new DuckDbEventStore(vertx, file(name), new SimpleMeterRegistry(), 2);
      }
      default -> throw new IllegalArgumentException("unknown store " + kind + " (clickhouse, duckdb)");
    };
    BenchData.await(store.migrate());
    return store;
  }

  private static String database(String name) {
    return "trackflow_bench_" + name.replace('-', '_');
  }

  private Path file(String name) {
    return duckDbDir.resolve("query-events-" + name + ".duckdb");
  }
}

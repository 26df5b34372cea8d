package io.trackflow.query.stats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.store.EventStore;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("On DuckDB, the bench's in-store copies equal what the adapter stores")
class DuckDbInStoreCopiesTest extends InStoreCopiesContract {

  @TempDir
  Path dir;

  @Override
  protected EventStore open(String name) throws Exception {
    DuckDbEventStore store = new DuckDbEventStore(vertx, dir.resolve(name + ".duckdb"), new SimpleMeterRegistry());
    BenchData.await(store.migrate());
    return store;
  }

  @Override
  protected EventStore copyInStore(EventStore base, String baseName, String target, int copies) throws Exception {
    // One process may hold a DuckDB file open: the copy reads the closed base into the closed target.
    BenchData.await(base.close());
    BenchData.await(open(target).close());
    BenchData.copyDuckDb(dir.resolve(baseName + ".duckdb"), dir.resolve(target + ".duckdb"), copies);
    return open(target);
  }
}

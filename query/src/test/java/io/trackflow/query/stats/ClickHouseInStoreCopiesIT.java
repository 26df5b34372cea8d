package io.trackflow.query.stats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.core.store.EventStore;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("On a real ClickHouse, the bench's in-store copies equal what the adapter stores")
class ClickHouseInStoreCopiesIT extends InStoreCopiesContract {

  private final ClickHouseService clickHouse;
  private final Map<String, String> databases = new HashMap<>();

  ClickHouseInStoreCopiesIT(ClickHouseService clickHouse) {
    this.clickHouse = clickHouse;
  }

  @Override
  protected EventStore open(String name) throws Exception {
    String database = databases.computeIfAbsent(name, n -> clickHouse.newDatabase());
    EventStore store = new ClickHouseEventStore(vertx, ClickHouseOptions.of(clickHouse.httpUrl(), database),
        new SimpleMeterRegistry());
    BenchData.await(store.migrate());
    return store;
  }

  @Override
  protected EventStore copyInStore(EventStore base, String baseName, String target, int copies) throws Exception {
    EventStore store = open(target);
    BenchData.copyClickHouse(clickHouse.httpUrl(), databases.get(baseName), databases.get(target), copies);
    BenchData.await(base.close());
    return store;
  }
}

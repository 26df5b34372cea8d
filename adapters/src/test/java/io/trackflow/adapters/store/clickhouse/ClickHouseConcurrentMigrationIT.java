package io.trackflow.adapters.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cluster's writers and query process start together and migrate one fresh database at the
 * same time; versions that swap tables by RENAME collide. Every process must still start.
 */
@ExtendWith(RealServices.class)
@DisplayName("ClickHouse: processes starting together migrate one fresh database")
class ClickHouseConcurrentMigrationIT {

  private static final int PROCESSES = 4;

  private final ClickHouseService clickHouse;
  private final List<ClickHouseEventStore> stores = new ArrayList<>();
  private Vertx vertx;

  ClickHouseConcurrentMigrationIT(ClickHouseService clickHouse) {
    this.clickHouse = clickHouse;
  }

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    ClickHouseOptions options = ClickHouseOptions.of(clickHouse.httpUrl(), TestNames.unique("race"));
    for (int i = 0; i < PROCESSES; i++) {
      stores.add(new ClickHouseEventStore(vertx, options, new SimpleMeterRegistry()));
    }
  }

  @AfterEach
  void close() throws Exception {
    for (ClickHouseEventStore store : stores) {
      await(store.close());
    }
    stores.clear();
    await(vertx.close());
  }

  @RepeatedTest(3)
  @DisplayName("All of them finish with every version applied and only the current tables left")
  void allStart() throws Exception {
    List<Future<Void>> migrations = stores.stream().map(ClickHouseEventStore::migrate).toList();
    for (Future<Void> migration : migrations) {
      await(migration);
    }
    ClickHouseEventStore any = stores.get(0);
    assertThat(await(any.query("SELECT DISTINCT version FROM schema_migrations ORDER BY version")).rows())
        .extracting(row -> ((Number) row.get(0)).intValue())
        .containsExactlyElementsOf(ClickHouseMigrations.ALL.stream().map(ClickHouseMigrations.Version::version).toList());
    assertThat(ClickHouseSessionsUpgradeIT.tables(any)).isEqualTo(ClickHouseSessionsUpgradeIT.CURRENT_TABLES);
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}

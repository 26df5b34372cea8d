package io.trackflow.query.account.embedded;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.AccountStoreContract;
import io.trackflow.query.account.BoundedWorker;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Embedded DuckDB account store")
class EmbeddedAccountStoreTest extends AccountStoreContract {

  @TempDir
  Path dir;

  @Override
  protected AccountStore newStore(Vertx vertx) throws Exception {
    BoundedWorker worker = new BoundedWorker(vertx, "accounts", 2, 64, new SimpleMeterRegistry());
    return await(EmbeddedAccountStore.open(vertx, dir.resolve("accounts.duckdb"), worker, 2));
  }
}

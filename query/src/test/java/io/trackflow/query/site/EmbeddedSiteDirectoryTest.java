package io.trackflow.query.site;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.site.SiteDirectory;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.BoundedWorker;
import io.trackflow.query.account.embedded.EmbeddedAccountStore;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

/** Standalone: the collector's directory and the sites API share one embedded account store. */
@DisplayName("The site directory over the embedded account store honours the site directory contract")
class EmbeddedSiteDirectoryTest extends AccountSiteDirectoryContract {

  @TempDir
  Path dir;

  private AccountStore store;

  @Override
  protected SiteDirectory openDirectory(Vertx vertx) throws Exception {
    BoundedWorker worker = new BoundedWorker(vertx, "accounts", 2, 64, new SimpleMeterRegistry());
    store = await(EmbeddedAccountStore.open(vertx, dir.resolve("accounts.duckdb"), worker, 2));
    return new AccountSiteDirectory(store);
  }

  @Override
  protected void closeDirectory() throws Exception {
    await(store.close());
  }

  @Override
  protected AccountStore sitesApiStore() {
    return store;
  }
}

package io.trackflow.query.site;

import io.trackflow.core.site.SiteDirectory;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.postgres.PgAccountStore;
import io.trackflow.testsupport.PostgresService;
import io.trackflow.testsupport.RealServices;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cluster: a collector's directory reads its own PostgreSQL account store, while sites are changed
 * by a query replica, i.e. through another store on its own Vert.x, as another process would.
 */
@DisplayName("The site directory over the PostgreSQL account store honours the site directory contract")
@ExtendWith(RealServices.class)
class PgSiteDirectoryIT extends AccountSiteDirectoryContract {

  private final PostgresService postgres;
  private PgAccountStore collectorStore;
  private Vertx queryVertx;
  private PgAccountStore queryStore;

  PgSiteDirectoryIT(PostgresService postgres) {
    this.postgres = postgres;
  }

  @Override
  protected SiteDirectory openDirectory(Vertx vertx) throws Exception {
    String url = postgres.uri(postgres.newDatabase());
    queryVertx = Vertx.vertx();
    queryStore = await(PgAccountStore.open(queryVertx, url, 2));
    collectorStore = await(PgAccountStore.open(vertx, url, 2));
    return new AccountSiteDirectory(collectorStore);
  }

  @Override
  protected void closeDirectory() throws Exception {
    try {
      await(collectorStore.close());
      await(queryStore.close());
    } finally {
      await(queryVertx.close());
    }
  }

  @Override
  protected AccountStore sitesApiStore() {
    return queryStore;
  }
}

package io.trackflow.query.account.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.AccountStoreContract;
import io.trackflow.query.account.HeardSiteChanges;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.SiteChange;
import io.trackflow.query.account.User;
import io.trackflow.testsupport.PostgresService;
import io.trackflow.testsupport.RealServices;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("PostgreSQL account store")
@ExtendWith(RealServices.class)
class PgAccountStoreIT extends AccountStoreContract {

  private final PostgresService postgres;
  private String url;

  PgAccountStoreIT(PostgresService postgres) {
    this.postgres = postgres;
  }

  @Override
  protected AccountStore newStore(Vertx vertx) throws Exception {
    url = postgres.uri(postgres.newDatabase());
    return await(PgAccountStore.open(vertx, url, 4));
  }

  @Test
  @DisplayName("Sites created, re-zoned and deleted through one store reach another process's listener, naming the site")
  void notifyReachesOtherStores() throws Exception {
    Vertx otherVertx = Vertx.vertx();
    PgAccountStore other = new PgAccountStore(otherVertx, url, 2);
    try {
      // Only NOTIFY reaches this listener: the changes are made through another store.
      HeardSiteChanges heard = new HeardSiteChanges();
      other.onSitesChanged(heard);
      heard.await(SiteChange.UNKNOWN); // LISTEN is in place

      User owner = await(store.createUser("o@example.com", "h", false));
      await(store.createSite(new Site("notify.example", "n", "UTC", 1L), owner.id()));
      await(store.createSite(new Site("other.example", "n", "UTC", 1L), owner.id()));
      heard.await(SiteChange.created("notify.example"));
      heard.await(SiteChange.created("other.example"));
      await(store.updateSite("notify.example", null, "Europe/Berlin"));
      heard.await(SiteChange.updated("notify.example"));
      await(store.deleteSite("other.example"));
      heard.await(SiteChange.deleted("other.example"));
      assertThat(postgres.psql(url.substring(url.lastIndexOf('/') + 1), "SELECT domain FROM sites"))
          .isEqualTo("notify.example");
    } finally {
      await(other.close());
      await(otherVertx.close());
    }
  }

  @Test
  @DisplayName("Two stores migrating the same database at once leave one consistent schema")
  void concurrentMigrations() throws Exception {
    PgAccountStore second = new PgAccountStore(vertx, url, 2);
    PgAccountStore third = new PgAccountStore(vertx, url, 2);
    try {
      await(io.vertx.core.Future.all(second.migrate(), third.migrate()));
      assertThat(await(second.appliedMigrations()))
          .isEqualTo(io.trackflow.query.account.AccountSchema.postgres().stream()
              .map(io.trackflow.query.account.AccountSchema.Migration::version).toList());
    } finally {
      await(second.close());
      await(third.close());
    }
  }
}

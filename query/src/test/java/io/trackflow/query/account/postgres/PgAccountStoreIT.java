package io.trackflow.query.account.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.AccountStoreContract;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.User;
import io.trackflow.testsupport.PostgresService;
import io.trackflow.testsupport.RealServices;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
  @DisplayName("A site created through one store reaches another process's listener through LISTEN/NOTIFY")
  void notifyReachesOtherStores() throws Exception {
    Vertx otherVertx = Vertx.vertx();
    PgAccountStore other = new PgAccountStore(otherVertx, url, 2);
    try {
      CountDownLatch subscribed = new CountDownLatch(1);
      CountDownLatch changed = new CountDownLatch(2);
      // The first call comes when LISTEN is in place; the second is the NOTIFY.
      other.onSitesChanged(() -> {
        subscribed.countDown();
        changed.countDown();
      });
      assertThat(subscribed.await(20, TimeUnit.SECONDS)).isTrue();

      User owner = await(store.createUser("o@example.com", "h", false));
      await(store.createSite(new Site("notify.example", "n", "UTC", 1L), owner.id()));

      assertThat(changed.await(20, TimeUnit.SECONDS)).isTrue();
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
      assertThat(await(second.appliedMigrations())).containsExactly(1, 2);
    } finally {
      await(second.close());
      await(third.close());
    }
  }
}

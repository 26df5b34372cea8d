package io.trackflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({VertxExtension.class, RealServices.class})
class PostgresServiceIT {

  @Test
  @DisplayName("A table in a fresh database is created, written and queried through vertx-pg-client on the real PostgreSQL")
  void queryThroughPgClient(PostgresService postgres, Vertx vertx, VertxTestContext context) {
    String database = postgres.newDatabase();
    Pool pool = PgBuilder.pool()
        .connectingTo(PgConnectOptions.fromUri(postgres.uri(database)))
        .using(vertx)
        .build();

    pool.query("CREATE TABLE sites (id serial PRIMARY KEY, domain text NOT NULL UNIQUE)").execute()
        .compose(created -> pool.preparedQuery("INSERT INTO sites (domain) VALUES ($1), ($2)")
            .execute(Tuple.of("example.com", "example.org")))
        .compose(inserted -> pool.query("SELECT current_database(), count(*) FROM sites").execute())
        .onComplete(context.succeeding(rows -> context.verify(() -> {
          Row row = rows.iterator().next();
          assertThat(row.getString(0)).isEqualTo(database);
          assertThat(row.getLong(1)).isEqualTo(2L);
          pool.close().onComplete(closed -> context.completeNow());
        })));
  }

  @Test
  @DisplayName("The psql helper sees what another connection committed, so tests can check data independently")
  void psqlHelperReadsData(PostgresService postgres) {
    String database = postgres.newDatabase();

    postgres.psql(database, "CREATE TABLE t (v int); INSERT INTO t VALUES (1), (2), (3)");

    assertThat(postgres.psql(database, "SELECT sum(v) FROM t")).isEqualTo("6");
  }
}

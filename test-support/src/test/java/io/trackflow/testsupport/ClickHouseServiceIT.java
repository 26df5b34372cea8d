package io.trackflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({VertxExtension.class, RealServices.class})
class ClickHouseServiceIT {

  @Test
  @DisplayName("A table is created, filled and selected over ClickHouse's HTTP interface with the Vert.x WebClient")
  void createInsertSelect(ClickHouseService clickHouse, Vertx vertx, VertxTestContext context) {
    WebClient client = WebClient.create(vertx);
    String table = clickHouse.newDatabase() + ".events";

    post(client, clickHouse, "CREATE TABLE " + table
        + " (site String, ts DateTime, path String) ENGINE = MergeTree ORDER BY (site, ts)")
        .compose(created -> post(client, clickHouse, "INSERT INTO " + table + " FORMAT TSV\n"
            + "s1\t2026-01-01 10:00:00\t/\n"
            + "s1\t2026-01-01 10:05:00\t/pricing\n"
            + "s2\t2026-01-01 11:00:00\t/\n"))
        .compose(inserted -> post(client, clickHouse,
            "SELECT site, count() FROM " + table + " GROUP BY site ORDER BY site FORMAT TSV"))
        .onComplete(context.succeeding(body -> context.verify(() -> {
          assertThat(body).isEqualTo("s1\t2\ns2\t1\n");
          client.close();
          context.completeNow();
        })));
  }

  private static Future<String> post(WebClient client, ClickHouseService clickHouse, String sql) {
    return client.postAbs(clickHouse.httpUrl() + "/")
        .sendBuffer(Buffer.buffer(sql))
        .compose(response -> response.statusCode() == 200
            ? Future.succeededFuture(response.bodyAsString() == null ? "" : response.bodyAsString())
            : Future.failedFuture("ClickHouse answered " + response.statusCode() + ": " + response.bodyAsString()));
  }
}

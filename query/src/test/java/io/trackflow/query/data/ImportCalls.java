package io.trackflow.query.data;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.queue.Await;
import io.trackflow.query.QueryStack;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** Uploading an export to the imports API and waiting for its job, as a client would. */
final class ImportCalls {

  private ImportCalls() {}

  /** Posts the zip as the site's new import; answers the 202's import id. */
  static long upload(QueryStack stack, String token, String site, Buffer zip) throws Exception {
    HttpResponse<Buffer> started = await(stack.request(HttpMethod.POST, "/api/sites/" + site + "/imports")
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/zip").sendBuffer(zip));
    assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(202);
    long id = started.bodyAsJsonObject().getLong("id");
    assertThat(started.getHeader("Location")).isEqualTo("/api/sites/" + site + "/imports/" + id);
    return id;
  }

  /** Polls the import's state until it is no longer running; answers that state. */
  static JsonObject finished(QueryStack stack, String token, String site, long id) {
    JsonObject[] last = {null};
    Await.until("import " + id + " of " + site + " finishes", () -> {
      try {
        last[0] = stack.call(HttpMethod.GET, "/api/sites/" + site + "/imports/" + id, token, null).bodyAsJsonObject();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return !"running".equals(last[0].getString("status"));
    }, () -> last[0]);
    return last[0];
  }
}

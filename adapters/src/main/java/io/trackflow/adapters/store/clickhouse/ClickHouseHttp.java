package io.trackflow.adapters.store.clickhouse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * ClickHouse's HTTP interface through the Vert.x WebClient: statements in the request body,
 * settings as URL parameters, errors as {@link ClickHouseException}. Every request here works on
 * 18.16 and on current releases.
 */
final class ClickHouseHttp {

  private final ClickHouseOptions options;
  private final WebClient client;

  ClickHouseHttp(Vertx vertx, ClickHouseOptions options) {
    this.options = options;
    WebClientOptions clientOptions = new WebClientOptions()
        .setKeepAlive(true)
        // Below ClickHouse's keep_alive_timeout (3 s by default), so the client never reuses a
        // connection the server is about to close.
        .setKeepAliveTimeout(2)
        .setConnectTimeout(5_000)
        .setUserAgent("trackflow");
    client = WebClient.create(vertx, clientOptions, new PoolOptions().setHttp1MaxSize(16));
  }

  /** Runs a statement whose answer is not needed (DDL, ALTER, INSERT … VALUES). */
  Future<Void> execute(String sql, boolean inDatabase) {
    HttpRequest<Buffer> request = post(options.queryTimeout().plusSeconds(30).toMillis());
    if (inDatabase) {
      request.addQueryParam("database", options.database());
    }
    return send(request, Buffer.buffer(sql), "statement").mapEmpty();
  }

  /**
   * Runs a read-only query and returns its JSONCompact answer. {@code wait_end_of_query} makes
   * ClickHouse buffer the result, so an error mid-query is an HTTP error, not a truncated 200.
   * {@code readonly=1} comes last: it forbids changing settings after it.
   */
  Future<Buffer> select(String sql) {
    long seconds = Math.max(1, options.queryTimeout().toSeconds());
    HttpRequest<Buffer> request = post(options.queryTimeout().plusSeconds(5).toMillis())
        .addQueryParam("database", options.database())
        .addQueryParam("default_format", "JSONCompact")
        .addQueryParam("wait_end_of_query", "1")
        .addQueryParam("max_execution_time", Long.toString(seconds))
        .addQueryParam("readonly", "1");
    return send(request, Buffer.buffer(sql), "query");
  }

  /** Posts a gzip-compressed body for {@code insertSql} (an {@code INSERT … FORMAT …} statement). */
  Future<Void> insert(String insertSql, Buffer gzippedBody) {
    HttpRequest<Buffer> request = post(options.insertTimeout().toMillis())
        .addQueryParam("database", options.database())
        .addQueryParam("query", insertSql)
        .putHeader("Content-Encoding", "gzip");
    return send(request, gzippedBody, "insert").mapEmpty();
  }

  Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  private HttpRequest<Buffer> post(long timeoutMillis) {
    // Basic authentication keeps the password out of URLs (and so out of server logs).
    return client.postAbs(options.endpoint())
        .basicAuthentication(options.user(), options.password())
        .idleTimeout(timeoutMillis);
  }

  private static Future<Buffer> send(HttpRequest<Buffer> request, Buffer body, String what) {
    return request.sendBuffer(body).compose(response -> answer(response, what));
  }

  private static Future<Buffer> answer(HttpResponse<Buffer> response, String what) {
    Buffer body = response.body() == null ? Buffer.buffer() : response.body();
    if (response.statusCode() == 200) {
      return Future.succeededFuture(body);
    }
    return Future.failedFuture(ClickHouseException.fromResponse(response.statusCode(), body.toString(), what));
  }
}

package io.trackflow.query;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.cache.local.InMemoryQueryCache;
import io.trackflow.core.ratelimit.local.InMemoryAttemptLimiter;
import io.trackflow.core.http.HttpServerVerticle;
import io.trackflow.core.store.EventStore;
import io.trackflow.query.account.BoundedWorker;
import io.trackflow.query.account.embedded.EmbeddedAccountStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The real query stack for tests: embedded account store, the query role's routes on the real
 * HTTP server verticle (port 0), and a WebClient to call it.
 */
public final class QueryStack implements AutoCloseable {

  public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";

  public final Vertx vertx;
  public final PrometheusMeterRegistry registry;
  public final EmbeddedAccountStore store;
  public final QueryAssembly assembly;
  public final Optional<EventStore> events;
  public final WebClient client;
  public final int port;

  private QueryStack(Vertx vertx, PrometheusMeterRegistry registry, EmbeddedAccountStore store,
      QueryAssembly assembly, Optional<EventStore> events, WebClient client, int port) {
    this.events = events;
    this.vertx = vertx;
    this.registry = registry;
    this.store = store;
    this.assembly = assembly;
    this.client = client;
    this.port = port;
  }

  /** Options for tests: cheap bcrypt, generous rate limits unless a test tightens them. */
  public static QueryAssembly.Options options() {
    return new QueryAssembly.Options(SECRET, Duration.ofMinutes(15), Duration.ofDays(30), 4, 10_000, 10_000,
        Duration.ofMinutes(15), List.of(), Duration.ZERO);
  }

  public static QueryStack start(Path dir, boolean withEvents) throws Exception {
    return start(dir, withEvents, o -> o, Clock.systemUTC());
  }

  /** With events, a real DuckDB event store backs the stats routes and site deletion. */
  public static QueryStack start(Path dir, boolean withEvents, UnaryOperator<QueryAssembly.Options> tweak,
      Clock clock) throws Exception {
    return start(dir, withEvents ? (vertx, registry) -> new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), registry)
        : null, tweak, clock);
  }

  /** An event store for the stack, built on its Vert.x instance (the stack migrates and closes it). */
  @FunctionalInterface
  public interface EventStoreFactory {
    EventStore create(Vertx vertx, PrometheusMeterRegistry registry) throws Exception;
  }

  /** With the given event store (null: none) behind the stats routes, site deletion and imports. */
  public static QueryStack start(Path dir, EventStoreFactory eventStore, UnaryOperator<QueryAssembly.Options> tweak,
      Clock clock) throws Exception {
    Vertx vertx = Vertx.vertx();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Optional<EventStore> events = Optional.empty();
    if (eventStore != null) {
      EventStore store = eventStore.create(vertx, registry);
      await(store.migrate());
      events = Optional.of(store);
    }
    BoundedWorker worker = new BoundedWorker(vertx, "accounts", 2, 256, registry);
    EmbeddedAccountStore store = await(EmbeddedAccountStore.open(vertx, dir.resolve("accounts.duckdb"), worker, 2));
    QueryAssembly assembly = new QueryAssembly(vertx, registry, store, events,
        new InMemoryQueryCache(clock, 1000), new InMemoryAttemptLimiter(clock), tweak.apply(options()), clock);
    HttpServerVerticle server = new HttpServerVerticle("127.0.0.1", 0, assembly.routes());
    await(vertx.deployVerticle(server));
    return new QueryStack(vertx, registry, store, assembly, events, WebClient.create(vertx), server.actualPort());
  }

  public static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  public HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, port, "127.0.0.1", path);
  }

  /** Sends the request with an optional bearer token and JSON body, and waits for the answer. */
  public HttpResponse<Buffer> call(HttpMethod method, String path, String bearer, JsonObject body) throws Exception {
    HttpRequest<Buffer> request = request(method, path);
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  @Override
  public void close() throws Exception {
    client.close();
    await(assembly.close());
    await(store.close());
    if (events.isPresent()) {
      await(events.get().close());
    }
    await(vertx.close());
  }
}

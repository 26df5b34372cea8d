package io.trackflow.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trackflow.core.config.Role;
import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.event.Event;
import io.trackflow.core.health.HealthRoutes;
import io.trackflow.core.metrics.Observability;
import io.trackflow.core.queue.Await;
import io.trackflow.core.queue.EventConsumer;
import io.trackflow.core.queue.QueueEvents;
import io.trackflow.core.queue.local.InProcessQueue;
import io.trackflow.core.role.Components;
import io.trackflow.core.role.RoleContext;
import io.trackflow.core.role.RoleInstance;
import io.trackflow.core.role.RoleProvider;
import io.trackflow.core.store.EventStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WriterRoleProviderTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("The writer role is found through the service loader, migrates the store, reports readiness and moves events into the store")
  void startsMovesEventsAndStops() throws Exception {
    RoleProvider provider = ServiceLoader.load(RoleProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.role() == Role.WRITER).findFirst().orElseThrow();
    InProcessQueue queue = new InProcessQueue(vertx, 10_000);
    MemoryEventStore store = new MemoryEventStore();
    Components components = new Components()
        .register(EventConsumer.class, () -> Future.succeededFuture(queue), EventConsumer::stop)
        .register(EventStore.class, () -> Future.succeededFuture(store), EventStore::close);
    PrometheusMeterRegistry registry = Observability.newRegistry();
    HealthRoutes health = new HealthRoutes(registry);
    TrackflowConfig config = TrackflowConfig.defaults().with(Map.of(Setting.WRITER_BATCH_AGE_MS, "50"));

    RoleInstance writer = provider.start(new RoleContext(vertx, config, registry, health, components))
        .await(30, TimeUnit.SECONDS);
    assertThat(store.migrations()).isEqualTo(1);
    JsonObject ready = health.readiness().await(30, TimeUnit.SECONDS);
    assertThat(ready.getString("status")).isEqualTo("UP");
    assertThat(ready.getJsonObject("checks").fieldNames()).contains("writer-queue", "writer-store");

    List<Event> published = new QueueEvents(1).forVisitors(4, 5);
    queue.publish(published).await(30, TimeUnit.SECONDS);
    Await.until("events stored", () -> store.storedIds().size() == published.size());
    writer.stop().await(30, TimeUnit.SECONDS);

    assertThat(registry.scrape()).contains("trackflow_writer_rows_total 20.0", "trackflow_writer_lag",
        "trackflow_writer_buffered_rows", "trackflow_writer_insert_seconds_count", "trackflow_writer_batch_size_rows_count");
  }
}

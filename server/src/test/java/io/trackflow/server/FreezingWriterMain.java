package io.trackflow.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trackflow.adapters.queue.kafka.KafkaEventConsumer;
import io.trackflow.adapters.queue.kafka.KafkaQueueOptions;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.event.Event;
import io.trackflow.core.health.HealthRoutes;
import io.trackflow.core.metrics.Observability;
import io.trackflow.core.queue.EventConsumer;
import io.trackflow.core.role.Components;
import io.trackflow.core.role.RoleContext;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.ForwardingEventStore;
import io.trackflow.writer.WriterRoleProvider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The writer role in a process of its own (Kafka to ClickHouse, as configured by the {@code
 * TRACKFLOW_*} settings in its arguments), whose store stops answering after its first
 * successful insert: that batch is in ClickHouse, with its sessions, but can never be
 * acknowledged, so its offsets are never committed. It prints {@code INSERTED <rows>} then, and
 * the test kills it (SIGKILL) in exactly that window between insert and commit.
 *
 * <p>Arguments: kafkaBootstrap topic group clickhouseUrl database.
 */
public final class FreezingWriterMain {

  static final String INSERTED = "INSERTED ";

  private FreezingWriterMain() {}

  public static void main(String[] args) throws Exception {
    Map<Setting, String> settings = new EnumMap<>(Setting.class);
    settings.put(Setting.ROLES, "writer");
    settings.put(Setting.KAFKA_BOOTSTRAP, args[0]);
    settings.put(Setting.KAFKA_TOPIC, args[1]);
    settings.put(Setting.KAFKA_GROUP, args[2]);
    settings.put(Setting.CLICKHOUSE_URL, args[3]);
    settings.put(Setting.CLICKHOUSE_DATABASE, args[4]);
    settings.put(Setting.WRITER_BATCH_AGE_MS, "300");
    TrackflowConfig config = TrackflowConfig.defaults().with(settings);
    PrometheusMeterRegistry registry = Observability.newRegistry();
    Vertx vertx = Observability.newVertx(registry, new VertxOptions());
    Components components = new Components()
        .register(EventConsumer.class,
            () -> KafkaEventConsumer.create(vertx, KafkaQueueOptions.fromConfig(config), registry).<EventConsumer>map(c -> c),
            EventConsumer::stop)
        .register(EventStore.class,
            () -> Future.succeededFuture(new FreezingStore(new ClickHouseEventStore(vertx, ClickHouseOptions.from(config), registry))),
            EventStore::close);
    new WriterRoleProvider().start(new RoleContext(vertx, config, registry, new HealthRoutes(registry), components))
        .await(120, TimeUnit.SECONDS);
  }

  /** Passes everything through; after the first successful insert, prints its rows and freezes. */
  private static final class FreezingStore extends ForwardingEventStore {
    private boolean frozen;

    FreezingStore(EventStore inner) {
      super(inner);
    }

    @Override
    public Future<Void> insert(List<Event> events) {
      synchronized (this) {
        if (frozen) {
          return Promise.<Void>promise().future();
        }
      }
      return inner.insert(events).compose(v -> {
        synchronized (this) {
          if (!frozen) {
            frozen = true;
            System.out.println(INSERTED + events.size());
            System.out.flush();
          }
        }
        // Never answered: the writer cannot acknowledge this batch, the consumer cannot commit it.
        return Promise.<Void>promise().future();
      });
    }
  }
}

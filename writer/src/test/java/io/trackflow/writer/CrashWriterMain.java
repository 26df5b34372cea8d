package io.trackflow.writer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.queue.kafka.KafkaEventConsumer;
import io.trackflow.adapters.queue.kafka.KafkaQueueOptions;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.core.event.Event;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.ForwardingEventStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A writer process for the crash test. Its store reports on stdout, and then never answers,
 * once insert number {@code insertsBeforeFreeze} has succeeded in ClickHouse: from then on no
 * delivery of that batch can be acknowledged, so no offset of it is committed, and the test
 * kills the process (SIGKILL) in exactly that window between insert and commit.
 *
 * <p>Arguments: bootstrap topic group clickhouseUrl database batchSize insertsBeforeFreeze.
 */
public final class CrashWriterMain {

  /** The line printed once the last insert succeeded: {@code INSERTED <rows inserted so far>}. */
  static final String INSERTED = "INSERTED ";
  static final String STARTED = "STARTED";

  private CrashWriterMain() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    String group = args[2];
    String url = args[3];
    String database = args[4];
    int batchSize = Integer.parseInt(args[5]);
    int insertsBeforeFreeze = Integer.parseInt(args[6]);

    Vertx vertx = Vertx.vertx();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    KafkaQueueOptions queue = KafkaQueueOptions.of(bootstrap, topic, group)
        .withSessionTimeout(Duration.ofSeconds(2))
        .withMaxInFlightEvents(3 * batchSize);
    EventStore store = new FreezingStore(new ClickHouseEventStore(vertx, ClickHouseOptions.of(url, database), registry),
        insertsBeforeFreeze);
    KafkaEventConsumer consumer = KafkaEventConsumer.create(vertx, queue, registry).await(60, TimeUnit.SECONDS);
    WriterOptions options = WriterOptions.of(batchSize, Duration.ofMillis(200))
        .withRetry(Duration.ofMillis(100), Duration.ofSeconds(1))
        // One insert at a time: with two, the one running beside the freezing insert could store
        // the rest of the topic, and nothing would be left uncommitted for the replacement.
        .withInserts(1);
    vertx.deployVerticle(new WriterVerticle(consumer, store, options, new WriterMetrics(registry, consumer)))
        .await(60, TimeUnit.SECONDS);
    System.out.println(STARTED);
    System.out.flush();
  }

  /**
   * Passes inserts through until the n-th has succeeded, then freezes: later inserts never reach
   * the store and nothing is answered again. The rows are printed once no insert is under way, so
   * the count includes a second insert that was already running when the n-th one succeeded.
   */
  private static final class FreezingStore extends ForwardingEventStore {
    private final int freezeAfter;
    private int succeeded;
    private int running;
    private boolean frozen;
    private boolean printed;
    private long rows;

    FreezingStore(EventStore inner, int freezeAfter) {
      super(inner);
      this.freezeAfter = freezeAfter;
    }

    @Override
    public Future<Void> insert(List<Event> events) {
      synchronized (this) {
        if (frozen) {
          return Promise.<Void>promise().future();
        }
        running++;
      }
      return inner.insert(events).transform(ar -> {
        synchronized (this) {
          running--;
          if (ar.succeeded()) {
            succeeded++;
            rows += events.size();
            frozen |= succeeded >= freezeAfter;
          }
          if (!frozen) {
            return ar.succeeded() ? Future.succeededFuture() : Future.failedFuture(ar.cause());
          }
          if (running == 0 && !printed) {
            printed = true;
            System.out.println(INSERTED + rows);
            System.out.flush();
          }
        }
        // Never answered: the writer cannot acknowledge this batch, the consumer cannot commit it.
        return Promise.<Void>promise().future();
      });
    }
  }
}

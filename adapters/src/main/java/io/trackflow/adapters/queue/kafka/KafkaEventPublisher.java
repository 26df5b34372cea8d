package io.trackflow.adapters.queue.kafka;

import io.trackflow.core.event.Event;
import io.trackflow.core.event.EventCodec;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.core.queue.QueueUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.serialization.BufferSerializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.LongSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to the Kafka topic: one record per visitor per publish call (key = visitor id,
 * so one visitor's events stay in one partition and in order; value = {@link EventCodec} of that
 * visitor's events), through an idempotent producer with {@code acks=all}, lz4 and a few ms of
 * linger. The future completes when the broker acknowledged every record.
 *
 * <p>Never blocking an event loop. vertx-kafka-client 5.0 runs {@code producer.send} on a worker
 * executor of its own (serial per producer), never on the caller's event loop, so a blocked send
 * costs a worker thread and delays the sends queued behind it. Kafka's send blocks only while the
 * topic's metadata is missing or while the producer's buffer is full, so this publisher (1) fetches
 * the topic's metadata before it accepts events and keeps it cached (metadata.max.idle.ms far
 * above any idle period), failing fast while it has none, (2) refuses events beyond {@code
 * maxPendingBytes}, half the producer's buffer, and (3) bounds any remaining block with {@code
 * max.block.ms}. A broker that goes away after start-up shows as sends failing after {@code
 * delivery.timeout.ms}; every failure surfaces as {@link QueueUnavailableException}.
 */
public final class KafkaEventPublisher implements EventPublisher {

  private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);
  /** Events of one visitor per record at most, keeping records far below max.request.size. */
  static final int MAX_EVENTS_PER_RECORD = 500;

  private final Vertx vertx;
  private final KafkaQueueOptions options;
  private final KafkaProducer<Long, Buffer> producer;
  private final KafkaCluster cluster;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicBoolean warmingUp = new AtomicBoolean();
  private volatile boolean ready;
  // nanoTime of the last publish the broker did not acknowledge / of the last one it did; 0 = never.
  private volatile long lastFailureNanos;
  private volatile long lastSuccessNanos;
  private volatile boolean closed;

  private KafkaEventPublisher(Vertx vertx, KafkaQueueOptions options, KafkaProducer<Long, Buffer> producer,
      KafkaCluster cluster) {
    this.vertx = vertx;
    this.options = options;
    this.producer = producer;
    this.cluster = cluster;
    // Failures reach the caller through each send's future; without this handler every failed
    // record would also be logged as an unhandled exception.
    producer.exceptionHandler(e -> {});
  }

  /**
   * Ensures the topic exists, creates the producer off the event loop and fetches the topic's
   * metadata; the publisher is returned even if the last step fails (it then refuses events
   * until the broker answers).
   */
  public static Future<KafkaEventPublisher> create(Vertx vertx, KafkaQueueOptions options) {
    return KafkaCluster.connect(vertx, options.bootstrap(), "trackflow-publisher-admin")
        .compose(cluster -> cluster.ensureTopic(options.topic(), options.partitions())
            .compose(v -> open(vertx, options, cluster))
            .onFailure(e -> cluster.close()));
  }

  /** Like {@link #create} but for a topic managed elsewhere: nothing is created. */
  static Future<KafkaEventPublisher> connect(Vertx vertx, KafkaQueueOptions options) {
    return KafkaCluster.connect(vertx, options.bootstrap(), "trackflow-publisher-admin")
        .compose(cluster -> open(vertx, options, cluster).onFailure(e -> cluster.close()));
  }

  private static Future<KafkaEventPublisher> open(Vertx vertx, KafkaQueueOptions options, KafkaCluster cluster) {
    return vertx.executeBlocking(() -> KafkaProducer.create(vertx, producerConfig(options),
            new LongSerializer(), new BufferSerializer()))
        .map(producer -> new KafkaEventPublisher(vertx, options, producer, cluster))
        .compose(publisher -> publisher.warmUp().otherwiseEmpty().map(publisher));
  }

  static Properties producerConfig(KafkaQueueOptions options) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "trackflow-publisher");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // One request in flight per broker: with more, a refused request can be overtaken by the next
    // one and then be retried out of sequence until it expires (KAFKA-15591 and its relatives,
    // seen here on new topics and after leader moves). Linger and large batches keep the
    // throughput: each request carries everything accumulated meanwhile.
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    // lz4 costs little CPU on the collector; zstd compresses more but the collector is CPU-bound.
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2 * options.maxPendingBytes());
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) options.maxBlock().toMillis());
    int deliveryMs = (int) options.deliveryTimeout().toMillis();
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryMs);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(5_000, deliveryMs - 10));
    // Keep the topic's metadata cached however long the producer idles, so send() never waits for it.
    config.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, 7 * 24 * 3600 * 1000);
    config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
    return config;
  }

  /** Fetches the topic's metadata on the producer's worker; afterwards sends do not wait for it. */
  private Future<Void> warmUp() {
    if (!warmingUp.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return producer.partitionsFor(options.topic())
        .andThen(ar -> {
          warmingUp.set(false);
          if (ar.succeeded() && !ar.result().isEmpty()) {
            ready = true;
          } else {
            log.warn("Kafka topic {} metadata unavailable: {}", options.topic(),
                ar.failed() ? ar.cause().getMessage() : "no partitions");
          }
        })
        .mapEmpty();
  }

  @Override
  public Future<Void> publish(List<Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    if (closed) {
      return Future.failedFuture(new QueueUnavailableException("Kafka publisher is closed"));
    }
    if (!ready) {
      warmUp();
      return Future.failedFuture(new QueueUnavailableException(
          "Kafka topic " + options.topic() + " is not reachable yet at " + options.bootstrap()));
    }
    List<KafkaProducerRecord<Long, Buffer>> records = toRecords(events);
    long bytes = 0;
    for (KafkaProducerRecord<Long, Buffer> record : records) {
      bytes += record.value().length();
    }
    if (pendingBytes.addAndGet(bytes) > options.maxPendingBytes()) {
      pendingBytes.addAndGet(-bytes);
      return Future.failedFuture(new QueueUnavailableException("Kafka producer buffer is full"));
    }
    List<Future<?>> sends = new ArrayList<>(records.size());
    for (KafkaProducerRecord<Long, Buffer> record : records) {
      sends.add(producer.send(record));
    }
    long sent = bytes;
    // join, not all: the pending bytes are released only once every send has finished.
    return Future.join(sends).transform(ar -> {
      pendingBytes.addAndGet(-sent);
      if (ar.succeeded()) {
        lastSuccessNanos = System.nanoTime();
        return Future.succeededFuture();
      }
      lastFailureNanos = System.nanoTime();
      Throwable cause = ar.cause();
      return Future.failedFuture(new QueueUnavailableException(
          "Kafka did not acknowledge events: " + cause.getMessage(), cause));
    });
  }

  /** One record per visitor (in first-seen order), split when a visitor has very many events. */
  List<KafkaProducerRecord<Long, Buffer>> toRecords(List<Event> events) {
    Map<Long, List<Event>> byVisitor = new LinkedHashMap<>();
    for (Event event : events) {
      byVisitor.computeIfAbsent(event.visitorId(), v -> new ArrayList<>()).add(event);
    }
    List<KafkaProducerRecord<Long, Buffer>> records = new ArrayList<>(byVisitor.size());
    byVisitor.forEach((visitor, own) -> {
      for (int from = 0; from < own.size(); from += MAX_EVENTS_PER_RECORD) {
        List<Event> chunk = own.subList(from, Math.min(own.size(), from + MAX_EVENTS_PER_RECORD));
        records.add(KafkaProducerRecord.create(options.topic(), visitor, EventCodec.encode(chunk)));
      }
    });
    return records;
  }

  /** Encoded bytes sent and not acknowledged yet. */
  public long pendingBytes() {
    return pendingBytes.get();
  }

  /**
   * Ready when the topic's metadata is known, the last probe reached a broker, and no publish has
   * failed since the last acknowledged one or the last successful probe (so readiness drops at
   * the first failed send, and comes back even while no traffic is sent).
   */
  @Override
  public boolean healthy() {
    long failed = lastFailureNanos;
    boolean recovered = failed == 0 || lastSuccessNanos - failed > 0 || cluster.lastReachedNanos() - failed > 0;
    return ready && cluster.reachable() && recovered;
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    // close() flushes what is buffered before it returns; bounded so shutdown cannot hang.
    return producer.close(options.deliveryTimeout().toMillis())
        .eventually(cluster::close);
  }
}

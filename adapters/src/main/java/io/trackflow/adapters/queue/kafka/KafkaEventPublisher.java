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
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to the Kafka topic: one record per target partition per publish call, the
 * partition chosen from the visitor id exactly as Kafka's default partitioner would choose it for
 * that key (so one visitor's events stay in one partition and in order; value = {@link
 * EventCodec} of the partition's events), through an idempotent producer with {@code acks=all}
 * and lz4. The future completes when the broker acknowledged every record.
 *
 * <p>Why records per partition, not per visitor: when most hits of a batch come from different
 * visitors, per-visitor records cost one producer send (a worker hand-off and a completion
 * callback) per hit; per partition it is at most one per partition per batch.
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
  /** Events per record at most, keeping records far below max.request.size. */
  static final int MAX_EVENTS_PER_RECORD = 500;
  /** How often the partition count is read again, so added partitions get used. */
  static final long PARTITIONS_REFRESH_MILLIS = 30_000;

  private final Vertx vertx;
  private final KafkaQueueOptions options;
  private final KafkaProducer<Long, Buffer> producer;
  private final KafkaCluster cluster;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicBoolean warmingUp = new AtomicBoolean();
  private volatile boolean ready;
  // The topic's partition count from the producer's metadata; 0 until known.
  private volatile int partitions;
  private volatile long refreshTimer = -1;
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
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
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
            partitions = ar.result().size();
            if (!ready) {
              ready = true;
              startRefresh();
            }
          } else {
            log.warn("Kafka topic {} metadata unavailable: {}", options.topic(),
                ar.failed() ? ar.cause().getMessage() : "no partitions");
          }
        })
        .mapEmpty();
  }

  /** Reads the partition count again now and then; metadata comes from the producer's cache. */
  private void startRefresh() {
    if (!closed) {
      refreshTimer = vertx.setPeriodic(PARTITIONS_REFRESH_MILLIS, id -> warmUp());
    }
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
    List<KafkaProducerRecord<Long, Buffer>> records = toRecords(options.topic(), partitions, events);
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

  /**
   * One record per target partition (in order of first appearance), split when a partition has
   * very many events; each visitor's events keep their order within their partition's records.
   */
  static List<KafkaProducerRecord<Long, Buffer>> toRecords(String topic, int partitions, List<Event> events) {
    Map<Integer, List<Event>> byPartition = new LinkedHashMap<>();
    for (Event event : events) {
      byPartition.computeIfAbsent(partitionOf(event.visitorId(), partitions), p -> new ArrayList<>()).add(event);
    }
    List<KafkaProducerRecord<Long, Buffer>> records = new ArrayList<>(byPartition.size());
    byPartition.forEach((partition, own) -> {
      for (int from = 0; from < own.size(); from += MAX_EVENTS_PER_RECORD) {
        List<Event> chunk = own.subList(from, Math.min(own.size(), from + MAX_EVENTS_PER_RECORD));
        // No key: the partition is set explicitly, and a record holds several visitors.
        records.add(KafkaProducerRecord.create(topic, null, EventCodec.encode(chunk), partition));
      }
    });
    return records;
  }

  /**
   * The partition Kafka's default partitioner picks for the visitor id as key (murmur2 of its
   * 8 big-endian bytes, as {@link LongSerializer} writes them), so the mapping is the one keyed
   * records of earlier versions had.
   */
  static int partitionOf(long visitorId, int partitions) {
    byte[] key = new byte[8];
    for (int i = 7; i >= 0; i--) {
      key[i] = (byte) visitorId;
      visitorId >>>= 8;
    }
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
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
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
    // close() flushes what is buffered before it returns; bounded so shutdown cannot hang.
    return producer.close(options.deliveryTimeout().toMillis())
        .eventually(cluster::close);
  }
}

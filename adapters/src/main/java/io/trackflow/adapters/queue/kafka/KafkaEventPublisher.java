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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
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
 * max.block.ms}. Every failure surfaces as {@link QueueUnavailableException}.
 *
 * <p>Failing fast. Measured before this existed: with the broker killed, every publish waited for
 * the producer's delivery timeout (each beacon held its connection ~30 s for its 503) and pixel
 * hits were dropped after it. So the publisher keeps a state, checked every {@value
 * #STATE_CHECK_MILLIS} ms: it is <em>unavailable</em> from the first sign of trouble — the topic's
 * metadata unknown, the cluster probe reaching no broker (while no acknowledgement came for
 * {@value #PROBE_TRUST_MILLIS} ms), a publish that failed, a publish unacknowledged for {@code
 * stallTimeout}, or one unacknowledged for {@value #NO_CONNECTION_MILLIS}
 * ms while the producer has no connection to any broker (a broker that died closes its
 * connections at once) — until a broker answered again after that sign (a probe, run every
 * second while unavailable, or an acknowledgement). While unavailable, {@link #publish} fails at
 * once without handing anything to the producer; {@link #healthy()} reports the state, so the
 * collector answers beacons 503 at once and spools pixel hits. Publishes already handed to the
 * producer keep waiting for its verdict: reporting them failed earlier could get an event stored
 * by the producer's retry and again by the client's.
 *
 * <p>Start-up does not need the broker: if the topic cannot be ensured, the publisher starts
 * unavailable and keeps trying.
 */
public final class KafkaEventPublisher implements EventPublisher {

  private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);
  /** Events per record at most, keeping records far below max.request.size. */
  static final int MAX_EVENTS_PER_RECORD = 500;
  /** How often the partition count is read again, so added partitions get used. */
  static final long PARTITIONS_REFRESH_MILLIS = 30_000;
  /** How often the availability state is evaluated. */
  static final long STATE_CHECK_MILLIS = 100;
  /** How long a publish may wait without any broker connection before the broker counts as down. */
  static final long NO_CONNECTION_MILLIS = 250;
  /** How long one attempt to create the topic may take; a failed one is tried again. */
  static final Duration TOPIC_CREATE_TIMEOUT = Duration.ofSeconds(5);
  /** A failed cluster probe counts only when no publish was acknowledged for this long. */
  static final long PROBE_TRUST_MILLIS = 5_000;
  /** How often the cluster is probed (and the topic looked up) while unavailable. */
  static final long RECOVERY_PROBE_MILLIS = 1_000;

  private final Vertx vertx;
  private final KafkaQueueOptions options;
  private final KafkaProducer<Long, Buffer> producer;
  private final KafkaCluster cluster;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicBoolean warmingUp = new AtomicBoolean();
  // Start (nanoTime) of every publish handed to the producer and not finished yet.
  private final Map<Long, Long> outstanding = new ConcurrentHashMap<>();
  private final AtomicLong publishIds = new AtomicLong();
  private final Metric connections;
  private volatile boolean topicEnsured;
  private volatile boolean ready;
  // The topic's partition count from the producer's metadata; 0 until known.
  private volatile int partitions;
  private volatile long refreshTimer = -1;
  private volatile long stateTimer = -1;
  // nanoTime of the last sign of trouble, and of the last acknowledgement or metadata answer.
  private volatile long lastTroubleNanos;
  private volatile long lastSuccessNanos;
  private volatile String trouble = "not connected yet";
  private volatile boolean available;
  private long lastRecoveryProbeNanos;
  private volatile boolean closed;

  private KafkaEventPublisher(Vertx vertx, KafkaQueueOptions options, KafkaProducer<Long, Buffer> producer,
      KafkaCluster cluster, boolean topicEnsured) {
    this.vertx = vertx;
    this.options = options;
    this.producer = producer;
    this.cluster = cluster;
    this.topicEnsured = topicEnsured;
    this.lastTroubleNanos = System.nanoTime();
    // Long ago: nothing acknowledged yet (nanoTime values only compare by difference).
    this.lastSuccessNanos = lastTroubleNanos - TimeUnit.HOURS.toNanos(1);
    this.lastRecoveryProbeNanos = lastSuccessNanos;
    this.connections = connectionCount(producer);
    // Failures reach the caller through each send's future; without this handler every failed
    // record would also be logged as an unhandled exception.
    producer.exceptionHandler(e -> {});
  }

  // The producer's own gauge of open broker connections (null if a client version lacks it).
  private static Metric connectionCount(KafkaProducer<Long, Buffer> producer) {
    for (Map.Entry<MetricName, ? extends Metric> m : producer.unwrap().metrics().entrySet()) {
      if (m.getKey().name().equals("connection-count") && m.getKey().group().equals("producer-metrics")) {
        return m.getValue();
      }
    }
    return null;
  }

  /**
   * Creates the producer off the event loop, ensures the topic exists and fetches its metadata;
   * the publisher is returned even if the broker cannot be reached (it is then unavailable and
   * keeps trying).
   */
  public static Future<KafkaEventPublisher> create(Vertx vertx, KafkaQueueOptions options) {
    return open(vertx, options, false);
  }

  /** Like {@link #create} but for a topic managed elsewhere: nothing is created. */
  static Future<KafkaEventPublisher> connect(Vertx vertx, KafkaQueueOptions options) {
    return open(vertx, options, true);
  }

  private static Future<KafkaEventPublisher> open(Vertx vertx, KafkaQueueOptions options, boolean topicEnsured) {
    return KafkaCluster.connect(vertx, options.bootstrap(), "trackflow-publisher-admin")
        .compose(cluster -> vertx.executeBlocking(() -> KafkaProducer.create(vertx, producerConfig(options),
                new LongSerializer(), new BufferSerializer()))
            .map(producer -> new KafkaEventPublisher(vertx, options, producer, cluster, topicEnsured))
            .onFailure(e -> cluster.close()))
        .compose(publisher -> publisher.warmUp().otherwiseEmpty().map(v -> {
          publisher.startStateChecks();
          return publisher;
        }));
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

  /**
   * Ensures the topic (once), then fetches its metadata on the producer's worker; afterwards
   * sends do not wait for it.
   */
  private Future<Void> warmUp() {
    if (closed || !warmingUp.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    Future<Void> topic = topicEnsured ? Future.succeededFuture()
        // Bounded: a collector starting while the broker is down comes up (unavailable) soon.
        : cluster.ensureTopic(options.topic(), options.partitions(), TOPIC_CREATE_TIMEOUT)
            .onSuccess(v -> topicEnsured = true);
    return topic.compose(v -> producer.partitionsFor(options.topic()))
        .andThen(ar -> {
          warmingUp.set(false);
          if (ar.succeeded() && !ar.result().isEmpty()) {
            partitions = ar.result().size();
            lastSuccessNanos = System.nanoTime();
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

  private void startStateChecks() {
    checkState();
    if (!closed) {
      stateTimer = vertx.setPeriodic(STATE_CHECK_MILLIS, id -> checkState());
    }
  }

  /** Re-evaluates availability; while unavailable, probes the cluster (and the topic) every second. */
  private void checkState() {
    long now = System.nanoTime();
    long oldest = 0;
    boolean any = false;
    for (long start : outstanding.values()) {
      if (!any || start - oldest < 0) {
        oldest = start;
        any = true;
      }
    }
    String seen = null;
    if (any && now - oldest > options.stallTimeout().toNanos()) {
      seen = "a publish unacknowledged for over " + options.stallTimeout().toMillis() + " ms";
    } else if (any && now - oldest > TimeUnit.MILLISECONDS.toNanos(NO_CONNECTION_MILLIS) && !connected()) {
      seen = "no connection to any broker";
    } else if (!cluster.reachable() && now - lastSuccessNanos > TimeUnit.MILLISECONDS.toNanos(PROBE_TRUST_MILLIS)) {
      // A probe that timed out on a busy machine says less than acknowledgements arriving now.
      seen = "no broker answers at " + options.bootstrap();
    } else if (!ready) {
      seen = "topic " + options.topic() + " metadata unavailable";
    }
    if (seen != null) {
      trouble = seen;
      lastTroubleNanos = now;
    }
    long contact = Math.max(lastSuccessNanos - lastTroubleNanos, cluster.lastReachedNanos() - lastTroubleNanos);
    boolean nowAvailable = seen == null && contact > 0;
    if (nowAvailable != available) {
      available = nowAvailable;
      if (nowAvailable) {
        log.info("Kafka at {} is available again: publishing resumes", options.bootstrap());
      } else {
        log.warn("Kafka at {} is unavailable ({}): publishes fail at once until a broker answers",
            options.bootstrap(), trouble);
      }
    }
    if (!available && now - lastRecoveryProbeNanos > TimeUnit.MILLISECONDS.toNanos(RECOVERY_PROBE_MILLIS)) {
      lastRecoveryProbeNanos = now;
      cluster.probe();
      if (!ready) {
        warmUp();
      }
    }
  }

  private boolean connected() {
    if (connections == null) {
      return true;
    }
    Object value = connections.metricValue();
    return !(value instanceof Number n) || n.doubleValue() > 0;
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
    if (!available) {
      return Future.failedFuture(new QueueUnavailableException(
          "Kafka at " + options.bootstrap() + " is unavailable: " + trouble));
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
    long id = publishIds.incrementAndGet();
    outstanding.put(id, System.nanoTime());
    for (KafkaProducerRecord<Long, Buffer> record : records) {
      sends.add(producer.send(record));
    }
    long sent = bytes;
    // join, not all: the pending bytes are released only once every send has finished.
    return Future.join(sends).transform(ar -> {
      pendingBytes.addAndGet(-sent);
      outstanding.remove(id);
      if (ar.succeeded()) {
        lastSuccessNanos = System.nanoTime();
        return Future.succeededFuture();
      }
      lastTroubleNanos = System.nanoTime();
      trouble = "a publish failed: " + ar.cause().getMessage();
      if (available) {
        available = false;
        log.warn("Kafka at {} is unavailable ({}): publishes fail at once until a broker answers",
            options.bootstrap(), trouble);
      }
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
   * Available: the topic's metadata is known, a broker answered since the last sign of trouble,
   * and no publish is stalled (see the class comment). False means publishes fail at once.
   */
  @Override
  public boolean healthy() {
    return available && !closed;
  }

  /** Why the publisher is (or last was) unavailable. */
  public String trouble() {
    return trouble;
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    boolean reachable = available;
    closed = true;
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
    if (stateTimer >= 0) {
      vertx.cancelTimer(stateTimer);
    }
    // close() flushes what is buffered before it returns, bounded so shutdown cannot hang; with
    // the broker unavailable nothing can be flushed, and the records still held fail at once.
    return producer.close(reachable ? options.deliveryTimeout().toMillis() : 0)
        .eventually(cluster::close);
  }
}

package io.trackflow.adapters.queue.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.adapters.queue.kafka.PartitionProgress.Delivery;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.EventCodec;
import io.trackflow.core.queue.DeliveryHandler;
import io.trackflow.core.queue.EventConsumer;
import io.trackflow.core.queue.PartitionAssignment;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the events topic in the writers' consumer group, at least once.
 *
 * <p>One thread of its own owns the Kafka consumer and polls it; records are decoded there (a
 * record that does not decode is counted in {@code trackflow.queue.poison} and skipped, so it
 * cannot block its partition), grouped into one delivery per partition per poll, and handed to
 * the handler on the Vert.x context that called {@link #start}. A delivery's future completing
 * marks its offsets done; offsets are committed per partition up to the highest one whose
 * delivery and all earlier ones succeeded. A failed delivery discards it and the later deliveries
 * of its partition, and the partition is read again from the failed delivery after a short pause.
 * When more than {@code maxInFlightEvents} events are handed out and not answered, every partition
 * is paused (polling goes on, so the group membership stays) until half of them are answered.
 *
 * <p>Assignment and revocation reach the handler. A newly assigned partition stays paused until
 * the handler's {@code assigned} future succeeded (the writer rebuilds the partition's open
 * sessions first). On revocation the listener, inside {@code poll}, waits (up to {@code
 * drainTimeout}) for the handler to answer every delivery of the revoked partitions, then commits
 * what was stored: the next owner starts right after the last stored event. An event's position
 * is its record's offset times 2^20 plus its index in the record.
 *
 * <p>Why not vertx-kafka-client's consumer: its rebalance listener only schedules the user's
 * handler on the event loop and returns, so by the time the handler runs the partitions are
 * gone and committing "what is done" on revocation is no longer possible. Owning the poll loop
 * lets the listener wait and commit synchronously inside {@code poll}, as Kafka intends.
 *
 * <p>One start per instance; {@link #stop} stops fetching, waits up to {@code drainTimeout} for
 * outstanding deliveries, commits what is stored, and closes.
 */
public final class KafkaEventConsumer implements EventConsumer {

  private static final Logger log = LoggerFactory.getLogger(KafkaEventConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long LAG_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
  private static final long RETRY_ASSIGNMENT_MILLIS = 1_000;
  /** Bits of a position below the record's offset: the event's index in its record. */
  static final int INDEX_BITS = 20;

  private final Vertx vertx;
  private final KafkaQueueOptions options;
  private final KafkaCluster cluster;
  private final Counter poison;
  private final String clientId;

  // Guarded by lock: shared between the poll thread and the threads completing deliveries.
  private final Object lock = new Object();
  private final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();
  private int inFlightEvents;
  private boolean stopping;
  private Promise<Void> stopped;

  // Poll thread only.
  private final Map<TopicPartition, Long> retryPausedUntil = new HashMap<>();
  private KafkaConsumer<byte[], byte[]> consumer;
  private boolean flowPaused;
  private long nextLagSample;

  private volatile long lag = -1;
  private volatile boolean running;
  private volatile Context context;
  private volatile DeliveryHandler handler;
  private Thread pollThread;

  private KafkaEventConsumer(Vertx vertx, KafkaQueueOptions options, KafkaCluster cluster, MeterRegistry registry) {
    this.vertx = vertx;
    this.options = options;
    this.cluster = cluster;
    this.clientId = "trackflow-writer-" + Long.toHexString(System.nanoTime() & 0xFFFFFF);
    this.poison = Counter.builder("trackflow.queue.poison")
        .description("Queue records that could not be decoded and were skipped")
        .register(registry);
  }

  /** Ensures the topic exists and returns a consumer ready to {@link #start}. */
  public static Future<KafkaEventConsumer> create(Vertx vertx, KafkaQueueOptions options, MeterRegistry registry) {
    return KafkaCluster.connect(vertx, options.bootstrap(), "trackflow-consumer-admin")
        .compose(cluster -> cluster.ensureTopic(options.topic(), options.partitions())
            .map(v -> new KafkaEventConsumer(vertx, options, cluster, registry))
            .onFailure(e -> cluster.close()));
  }

  Properties consumerConfig() {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, options.group());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    int session = (int) options.sessionTimeout().toMillis();
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(100, session / 4));
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    config.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
    return config;
  }

  @Override
  public Future<Void> start(DeliveryHandler handler) {
    Promise<Void> subscribed = Promise.promise();
    synchronized (lock) {
      if (this.handler != null || stopped != null) {
        return Future.failedFuture(new IllegalStateException("a Kafka event consumer starts once"));
      }
      this.handler = handler;
    }
    context = vertx.getOrCreateContext();
    running = true;
    pollThread = Thread.ofPlatform().name(clientId).daemon().start(() -> run(subscribed));
    return subscribed.future();
  }

  private void run(Promise<Void> subscribed) {
    try {
      consumer = new KafkaConsumer<>(consumerConfig());
      consumer.subscribe(List.of(options.topic()), new Rebalance());
    } catch (RuntimeException e) {
      running = false;
      context.runOnContext(v -> subscribed.fail(e));
      closeQuietly();
      finishStop();
      return;
    }
    context.runOnContext(v -> subscribed.complete());
    long drainDeadline = Long.MAX_VALUE;
    try {
      while (true) {
        boolean draining;
        synchronized (lock) {
          draining = stopping;
          if (draining && drainDeadline == Long.MAX_VALUE) {
            drainDeadline = System.nanoTime() + options.drainTimeout().toNanos();
          }
          if (draining && (inFlightEvents == 0 || System.nanoTime() > drainDeadline)) {
            if (inFlightEvents > 0) {
              log.warn("Stopping with {} events not stored after {} ms; they will be read again",
                  inFlightEvents, options.drainTimeout().toMillis());
            }
            break;
          }
        }
        applySeeks();
        applyPauses(draining);
        commitDone();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
        if (!records.isEmpty()) {
          dispatch(records);
        }
        sampleLag();
      }
      commitFinal(currentPartitions());
    } catch (RuntimeException e) {
      log.error("Kafka consumer loop failed; this writer stops consuming", e);
    } finally {
      running = false;
      closeQuietly();
      finishStop();
    }
  }

  private Set<TopicPartition> currentPartitions() {
    synchronized (lock) {
      return new HashSet<>(partitions.keySet());
    }
  }

  /** Decodes one poll's records and hands them over, one delivery per partition. */
  private void dispatch(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      List<Event> events = new ArrayList<>();
      LongList positions = new LongList(list.size() * 8);
      for (ConsumerRecord<byte[], byte[]> record : list) {
        try {
          List<Event> decoded = EventCodec.decode(Buffer.buffer(record.value()));
          if (decoded.size() >= 1 << INDEX_BITS) {
            throw new IllegalArgumentException(decoded.size() + " events in one record");
          }
          for (int i = 0; i < decoded.size(); i++) {
            positions.add(record.offset() << INDEX_BITS | i);
          }
          events.addAll(decoded);
        } catch (RuntimeException e) {
          poison.increment();
          log.warn("Skipping undecodable record {}-{}@{}: {}", tp.topic(), tp.partition(), record.offset(),
              e.getMessage());
        }
      }
      Delivery delivery;
      synchronized (lock) {
        PartitionProgress progress = partitions.get(tp);
        if (stopping || progress == null || progress.awaitingSeek()) {
          continue; // revoked, closing, or about to be read again from an earlier offset
        }
        if (!progress.ready()) {
          // Paused until the handler is ready, so only fetched before the pause took effect.
          progress.readAgainFrom(list.getFirst().offset());
          continue;
        }
        delivery = progress.add(list.getFirst().offset(), list.getLast().offset(), events.size());
        if (events.isEmpty()) {
          progress.succeed(delivery);
          continue;
        }
        inFlightEvents += events.size();
      }
      io.trackflow.core.queue.Delivery handed =
          new io.trackflow.core.queue.Delivery(tp.partition(), events, positions.toArray());
      context.runOnContext(v -> deliver(delivery, handed));
    }
  }

  private void deliver(Delivery delivery, io.trackflow.core.queue.Delivery events) {
    synchronized (lock) {
      if (delivery.state != PartitionProgress.State.IN_FLIGHT) {
        return;
      }
    }
    Future<Void> stored;
    try {
      stored = handler.handle(events);
    } catch (RuntimeException e) {
      stored = Future.failedFuture(e);
    }
    stored.onComplete(ar -> completed(delivery, ar.succeeded()));
  }

  private void completed(Delivery delivery, boolean ok) {
    synchronized (lock) {
      if (delivery.state != PartitionProgress.State.IN_FLIGHT) {
        return;
      }
      PartitionProgress progress = delivery.owner;
      if (ok) {
        inFlightEvents -= delivery.events;
        progress.succeed(delivery);
      } else {
        inFlightEvents -= progress.fail(delivery);
      }
    }
  }

  /** After failures: read the partition again from the failed delivery, after a short pause. */
  private void applySeeks() {
    Map<TopicPartition, Long> seeks = new HashMap<>();
    synchronized (lock) {
      partitions.forEach((tp, progress) -> {
        long offset = progress.takeSeek();
        if (offset >= 0) {
          seeks.put(tp, offset);
        }
      });
    }
    long until = System.nanoTime() + RETRY_PAUSE_NANOS;
    seeks.forEach((tp, offset) -> {
      consumer.seek(tp, offset);
      retryPausedUntil.put(tp, until);
    });
  }

  /** Pauses what must not be fetched now: everything when full or stopping, retried partitions for a while. */
  private void applyPauses(boolean draining) {
    synchronized (lock) {
      if (inFlightEvents >= options.maxInFlightEvents()) {
        flowPaused = true;
      } else if (inFlightEvents <= options.maxInFlightEvents() / 2) {
        flowPaused = false;
      }
    }
    long now = System.nanoTime();
    retryPausedUntil.values().removeIf(until -> until - now <= 0);
    Set<TopicPartition> assigned = consumer.assignment();
    Set<TopicPartition> wanted = new HashSet<>();
    if (draining || flowPaused) {
      wanted.addAll(assigned);
    } else {
      retryPausedUntil.keySet().stream().filter(assigned::contains).forEach(wanted::add);
      wanted.addAll(notReady(assigned));
    }
    Set<TopicPartition> paused = consumer.paused();
    Set<TopicPartition> toPause = new HashSet<>(wanted);
    toPause.removeAll(paused);
    Set<TopicPartition> toResume = new HashSet<>(paused);
    toResume.removeAll(wanted);
    if (!toPause.isEmpty()) {
      consumer.pause(toPause);
    }
    if (!toResume.isEmpty()) {
      consumer.resume(toResume);
    }
  }

  /** Commits, asynchronously, each partition's newly committable offset. */
  private void commitDone() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<TopicPartition, PartitionProgress> owners = new HashMap<>();
    synchronized (lock) {
      partitions.forEach((tp, progress) -> {
        long offset = progress.takeCommit();
        if (offset >= 0) {
          offsets.put(tp, new OffsetAndMetadata(offset));
          owners.put(tp, progress);
        }
      });
    }
    if (offsets.isEmpty()) {
      return;
    }
    consumer.commitAsync(offsets, (committed, error) -> {
      if (error != null) {
        log.warn("Offset commit failed, retrying with the next one: {}", error.getMessage());
      }
      synchronized (lock) {
        offsets.forEach((tp, offset) -> owners.get(tp).commitResult(offset.offset(), error == null));
      }
    });
  }

  /** Synchronously commits what is stored in {@code tps} (on revocation and at stop). */
  private void commitFinal(Collection<TopicPartition> tps) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    synchronized (lock) {
      for (TopicPartition tp : tps) {
        PartitionProgress progress = partitions.get(tp);
        long offset = progress == null ? -1 : progress.uncommitted();
        if (offset >= 0) {
          offsets.put(tp, new OffsetAndMetadata(offset));
        }
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets, COMMIT_TIMEOUT);
      synchronized (lock) {
        offsets.forEach((tp, offset) -> {
          PartitionProgress progress = partitions.get(tp);
          if (progress != null) {
            progress.commitResult(offset.offset(), true);
          }
        });
      }
    } catch (RuntimeException e) {
      log.warn("Final offset commit of {} failed; those events will be read again: {}", offsets.keySet(),
          e.getMessage());
    }
  }

  /** Releases every partition in {@code tps}: their deliveries completing later change nothing. */
  private void release(Collection<TopicPartition> tps) {
    synchronized (lock) {
      for (TopicPartition tp : tps) {
        PartitionProgress progress = partitions.remove(tp);
        if (progress != null) {
          inFlightEvents -= progress.discardAll();
        }
      }
    }
    tps.forEach(retryPausedUntil::remove);
  }

  private Set<TopicPartition> notReady(Set<TopicPartition> assigned) {
    Set<TopicPartition> waiting = new HashSet<>();
    synchronized (lock) {
      for (TopicPartition tp : assigned) {
        PartitionProgress progress = partitions.get(tp);
        if (progress != null && !progress.ready()) {
          waiting.add(tp);
        }
      }
    }
    return waiting;
  }

  private static Set<Integer> numbers(Collection<TopicPartition> tps) {
    Set<Integer> numbers = new HashSet<>();
    tps.forEach(tp -> numbers.add(tp.partition()));
    return numbers;
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      if (revoked.isEmpty()) {
        return;
      }
      // Runs inside poll() on the poll thread, before the partitions move: the last moment a
      // commit for them is valid. Whatever the handler still holds is answered first, so the
      // next owner starts after it (and finds its sessions stored). When stopping, the loop
      // already waited for every delivery before closing.
      boolean closing;
      synchronized (lock) {
        closing = stopping;
      }
      if (!closing) {
        awaitRevoked(revoked);
      }
      commitFinal(revoked);
      release(revoked);
      log.info("Partitions revoked: {}", revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      release(lost);
      // Another consumer may own them already: nothing to wait for or commit.
      Set<Integer> numbers = numbers(lost);
      context.runOnContext(v -> handler.revoked(numbers));
      log.warn("Partitions lost without a clean hand-over: {}", lost);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      if (assigned.isEmpty()) {
        return;
      }
      Map<TopicPartition, PartitionProgress> fresh = new HashMap<>();
      assigned.forEach(tp -> fresh.put(tp, new PartitionProgress()));
      synchronized (lock) {
        partitions.putAll(fresh);
      }
      // Paused before this poll fetches anything for them; resumed once the handler is ready.
      consumer.pause(assigned);
      int count = consumer.partitionsFor(options.topic()).size();
      PartitionAssignment assignment = new PartitionAssignment(numbers(assigned), count,
          visitor -> KafkaEventPublisher.partitionOf(visitor, count));
      context.runOnContext(v -> announce(assignment, fresh));
      log.info("Partitions assigned: {} of {}", assigned, count);
    }
  }

  /** Waits on the poll thread until the handler answered everything of {@code revoked}, bounded. */
  private void awaitRevoked(Collection<TopicPartition> revoked) {
    Set<Integer> numbers = numbers(revoked);
    CompletableFuture<Void> answered = new CompletableFuture<>();
    context.runOnContext(v -> {
      Future<Void> settled;
      try {
        settled = handler.revoked(numbers);
      } catch (RuntimeException e) {
        settled = Future.failedFuture(e);
      }
      settled.onComplete(ar -> answered.complete(null));
    });
    try {
      answered.get(options.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("Revoked partitions {} still had unanswered deliveries after {} ms; they will be read again",
          revoked, options.drainTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // completed normally only
    }
  }

  /** Tells the handler about new partitions; marks them ready (to be resumed) once it is. */
  private void announce(PartitionAssignment assignment, Map<TopicPartition, PartitionProgress> fresh) {
    Future<Void> ready;
    try {
      ready = handler.assigned(assignment);
    } catch (RuntimeException e) {
      ready = Future.failedFuture(e);
    }
    ready.onComplete(ar -> {
      synchronized (lock) {
        if (stopping) {
          return;
        }
        if (ar.succeeded()) {
          // Only where this assignment still holds: a later rebalance made new progress objects.
          fresh.forEach((tp, progress) -> {
            if (partitions.get(tp) == progress) {
              progress.markReady();
            }
          });
          return;
        }
        if (fresh.entrySet().stream().noneMatch(e -> partitions.get(e.getKey()) == e.getValue())) {
          return;
        }
      }
      log.warn("Writer not ready for partitions {}: {}; asking again in {} ms", assignment.partitions(),
          ar.cause().toString(), RETRY_ASSIGNMENT_MILLIS);
      vertx.setTimer(RETRY_ASSIGNMENT_MILLIS, id -> announce(assignment, fresh));
    });
  }

  /** A growable array of longs: an event's position without boxing. */
  private static final class LongList {
    private long[] values;
    private int size;

    LongList(int capacity) {
      values = new long[Math.max(8, capacity)];
    }

    void add(long value) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }

  /** End offsets minus positions of the assigned partitions, every two seconds (one small request). */
  private void sampleLag() {
    long now = System.nanoTime();
    if (now - nextLagSample < 0) {
      return;
    }
    nextLagSample = now + LAG_SAMPLE_NANOS;
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      lag = 0;
      return;
    }
    try {
      Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(1));
      long total = 0;
      for (TopicPartition tp : assigned) {
        Long end = ends.get(tp);
        if (end != null) {
          total += Math.max(0, end - consumer.position(tp, Duration.ofMillis(500)));
        }
      }
      lag = total;
    } catch (RuntimeException e) {
      lag = -1;
    }
  }

  private void closeQuietly() {
    try {
      if (consumer != null) {
        consumer.close(COMMIT_TIMEOUT);
      }
    } catch (RuntimeException e) {
      log.warn("Kafka consumer did not close cleanly: {}", e.getMessage());
    }
  }

  private void finishStop() {
    Promise<Void> promise;
    synchronized (lock) {
      stopping = true;
      partitions.values().forEach(PartitionProgress::discardAll);
      partitions.clear();
      inFlightEvents = 0;
      if (stopped == null) {
        stopped = Promise.promise();
      }
      promise = stopped;
    }
    cluster.close().onComplete(ar -> context.runOnContext(v -> promise.tryComplete()));
  }

  @Override
  public boolean healthy() {
    return running && cluster.reachable();
  }

  @Override
  public long lag() {
    return lag;
  }

  /** Events handed to the handler and not answered yet. */
  public int inFlightEvents() {
    synchronized (lock) {
      return inFlightEvents;
    }
  }

  @Override
  public Future<Void> stop() {
    synchronized (lock) {
      if (stopped != null) {
        return stopped.future();
      }
      stopped = Promise.promise();
      stopping = true;
      if (pollThread == null) {
        // Never started: only the admin client to close.
        Promise<Void> promise = stopped;
        cluster.close().onComplete(ar -> promise.tryComplete());
        return promise.future();
      }
      return stopped.future();
    }
  }
}

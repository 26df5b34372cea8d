package io.trackflow.adapters.queue.kafka;

import io.trackflow.core.queue.QueueUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue adapters' admin view of the cluster: creates the events topic at start-up and probes
 * every few seconds whether a broker answers, which is what {@code healthy()} reports. The admin
 * client's calls are asynchronous (its own I/O thread); only creating and closing it can block,
 * so those run on a worker.
 */
final class KafkaCluster {

  private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);
  private static final int PROBE_TIMEOUT_MS = 3_000;
  private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Context context;
  private final Admin admin;
  private final String bootstrap;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile boolean reachable = true;
  private volatile long lastReachedNanos = System.nanoTime();
  private volatile boolean closed;
  private long timer = -1;

  private KafkaCluster(Vertx vertx, Admin admin, String bootstrap) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.admin = admin;
    this.bootstrap = bootstrap;
  }

  /** Creates the admin client and starts probing. */
  static Future<KafkaCluster> connect(Vertx vertx, String bootstrap, String clientId) {
    return vertx.executeBlocking(() -> Admin.create(Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.CLIENT_ID_CONFIG, clientId,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000)))
        .map(admin -> {
          KafkaCluster cluster = new KafkaCluster(vertx, admin, bootstrap);
          cluster.timer = vertx.setPeriodic(PROBE_INTERVAL.toMillis(), id -> cluster.probe());
          return cluster;
        });
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions unless it exists (then left as is).
   * A topic created here is handed over only once every partition has a leader: an idempotent
   * producer writing to a partition the broker has not finished creating can have its first
   * request refused and a later one accepted, after which the first is retried with an
   * out-of-order sequence until it expires (KAFKA-15591, fixed in recent brokers).
   */
  Future<Void> ensureTopic(String topic, int partitions) {
    return ensureTopic(topic, partitions, new CreateTopicsOptions());
  }

  /**
   * Like {@link #ensureTopic(String, int)}, giving up on the creation request after {@code
   * timeout} instead of the admin client's 15 s: for callers that try again anyway.
   */
  Future<Void> ensureTopic(String topic, int partitions, Duration timeout) {
    return ensureTopic(topic, partitions, new CreateTopicsOptions().timeoutMs((int) timeout.toMillis()));
  }

  private Future<Void> ensureTopic(String topic, int partitions, CreateTopicsOptions creation) {
    NewTopic wanted = new NewTopic(topic, Optional.of(partitions), Optional.empty());
    return Future.fromCompletionStage(admin.createTopics(List.of(wanted), creation).all().toCompletionStage(), context)
        .compose(created -> {
          log.info("Created Kafka topic {} with {} partitions", topic, partitions);
          return awaitLeaders(topic, System.nanoTime() + LEADER_WAIT.toNanos());
        })
        .recover(e -> {
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (cause instanceof TopicExistsException) {
            return Future.succeededFuture();
          }
          reachable = false;
          return Future.failedFuture(new QueueUnavailableException(
              "cannot create Kafka topic " + topic + " on " + bootstrap + ": " + cause.getMessage(), cause));
        });
  }

  /**
   * Waits until every partition's leader answers for it: a ListOffsets request is served by the
   * partition leader's log, so it succeeds only once the broker has really created the partition
   * (a leader in the metadata alone is not enough).
   */
  private Future<Void> awaitLeaders(String topic, long deadline) {
    return Future.fromCompletionStage(admin.describeTopics(List.of(topic)).allTopicNames().toCompletionStage(), context)
        .compose(topics -> {
          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          topics.get(topic).partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
          ListOffsetsOptions quick = new ListOffsetsOptions().timeoutMs(2_000);
          return Future.fromCompletionStage(admin.listOffsets(latest, quick).all().toCompletionStage(), context);
        })
        .map(true)
        .otherwise(false)
        .compose(ready -> {
          if (ready) {
            return Future.succeededFuture();
          }
          if (System.nanoTime() - deadline > 0) {
            return Future.failedFuture(new QueueUnavailableException(
                "Kafka topic " + topic + " has partitions without a leader after " + LEADER_WAIT.toSeconds() + " s"));
          }
          return vertx.timer(50).compose(t -> awaitLeaders(topic, deadline));
        });
  }

  /** Whether the last probe reached a broker. */
  boolean reachable() {
    return reachable;
  }

  /** {@link System#nanoTime()} of the last probe that reached a broker. */
  long lastReachedNanos() {
    return lastReachedNanos;
  }

  /** Asks the cluster now (at most one probe at a time); {@link #reachable()} reports the answer. */
  void probe() {
    if (closed || !probing.compareAndSet(false, true)) {
      return;
    }
    admin.describeCluster(new DescribeClusterOptions().timeoutMs(PROBE_TIMEOUT_MS)).nodes()
        .whenComplete((nodes, error) -> {
          boolean now = error == null && nodes != null && !nodes.isEmpty();
          if (now != reachable) {
            if (now) {
              log.info("Kafka at {} is reachable again", bootstrap);
            } else {
              log.warn("Kafka at {} is unreachable: {}", bootstrap, error == null ? "no broker" : error.getMessage());
            }
          }
          reachable = now;
          if (now) {
            lastReachedNanos = System.nanoTime();
          }
          probing.set(false);
        });
  }

  Future<Void> close() {
    closed = true;
    vertx.cancelTimer(timer);
    return vertx.executeBlocking(() -> {
      admin.close(Duration.ofSeconds(2));
      return null;
    });
  }
}

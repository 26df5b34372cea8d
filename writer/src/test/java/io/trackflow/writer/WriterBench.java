package io.trackflow.writer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.queue.kafka.KafkaEventConsumer;
import io.trackflow.adapters.queue.kafka.KafkaEventPublisher;
import io.trackflow.adapters.queue.kafka.KafkaQueueOptions;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.QueueEvents;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.ForwardingEventStore;
import io.trackflow.core.testdata.EventGenerator;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.KafkaService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end writer figures on real Kafka and ClickHouse (both started by test-support unless
 * given), with the writer's defaults (batches of 10,000 rows or 1 s, 20,000 events in flight):
 *
 * <ol>
 *   <li>Throughput: N events are loaded into a 6-partition topic first; a writer then drains it
 *       into ClickHouse. Sustained rows/s = rows after the first batch / time from the first
 *       insert's completion to the last. In the same round the same rows, exported from the
 *       table as TSV, go into an empty copy of the table with one HTTP insert (ClickHouse's own
 *       bulk path) and with {@code clickhouse-client}.
 *   <li>Freshness: 10,000 events/s published in 100-event calls every 10 ms while a writer runs;
 *       a poller asks ClickHouse every 50 ms which calls are fully visible. Freshness of a call =
 *       its visibility time minus the start of its publish (an upper bound for its events).
 * </ol>
 *
 * Usage and figures: docs/benchmarks.md, "Writer throughput".
 */
public final class WriterBench {

  private static final int BATCH = 10_000;
  private static final int PER_CALL = 100;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, List<Double>> results = new LinkedHashMap<>();
  private KafkaService kafka;
  private ClickHouseService clickHouse;
  private String bootstrap;
  private String clickHouseUrl;

  public static void main(String[] args) throws Exception {
    WriterBench bench = new WriterBench();
    try {
      bench.run(Integer.getInteger("events", 500_000), Integer.getInteger("rounds", 3),
          Integer.getInteger("rate", 10_000), Integer.getInteger("seconds", 30));
    } finally {
      bench.close();
    }
    System.exit(0);
  }

  private void run(int events, int rounds, int rate, int seconds) throws Exception {
    bootstrap = System.getProperty("kafka.bootstrap", "");
    if (bootstrap.isBlank()) {
      kafka = KafkaService.launch();
      bootstrap = kafka.bootstrapServers();
    }
    clickHouseUrl = System.getProperty("clickhouse.url", "");
    if (clickHouseUrl.isBlank()) {
      clickHouse = ClickHouseService.launch();
      clickHouseUrl = clickHouse.httpUrl();
    }
    List<Event> traffic = new EventGenerator(20_250_401L).generate(events);
    System.out.printf("%,d events; ClickHouse %s; %d cores; JDK %s%n", traffic.size(),
        post("SELECT version()").strip(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

    throughputRound("warmup", traffic.subList(0, Math.min(traffic.size(), 50_000)), false);
    for (int round = 1; round <= rounds; round++) {
      throughputRound("r" + round, traffic, true);
      System.out.printf("round %d done%n", round);
    }
    System.out.println();
    System.out.println("| path | rows/s (median of " + rounds + ") | runs |");
    System.out.println("| --- | ---: | --- |");
    results.forEach((name, rates) -> System.out.printf("| %s | %,.0f | %s |%n", name, median(rates),
        rates.stream().map(r -> String.format("%,.0f", r)).toList()));
    double writer = median(results.get(VARIANTS.getFirst().label()));
    double bulk = median(results.get("ClickHouse bulk: one HTTP insert of a TSV file"));
    double chunks = median(results.get("ClickHouse bulk: the TSV in 10,000-row HTTP inserts"));
    double big = median(results.get(VARIANTS.getLast().label()));
    double adapter = median(results.get("ClickHouse adapter alone: the same events in 10,000-row inserts, no Kafka"));
    System.out.printf("%nwriter (defaults) / one HTTP bulk insert: %.0f%%; / ClickHouse's own 10,000-row inserts: %.0f%%;"
        + " / the adapter alone: %.0f%%; writer with 50,000-row batches / one HTTP bulk insert: %.0f%%%n%n",
        100 * writer / bulk, 100 * writer / chunks, 100 * writer / adapter, 100 * big / bulk);

    freshness(rate, seconds);
  }

  // ---- throughput ---------------------------------------------------------------------------

  /** A writer configuration measured in every round. */
  private record Variant(String label, int batch, int inserts) {}

  private static final List<Variant> VARIANTS = List.of(
      new Variant("Kafka → writer → ClickHouse (defaults: 10,000-row batches, 2 inserts at once)", BATCH, 2),
      new Variant("Kafka → writer → ClickHouse (10,000-row batches, 1 insert at a time)", BATCH, 1),
      new Variant("Kafka → writer → ClickHouse (50,000-row batches, 2 inserts at once)", 50_000, 2));

  private void throughputRound(String name, List<Event> traffic, boolean measure) throws Exception {
    String suffix = name + "_" + System.nanoTime() % 1_000_000;
    String topic = "bench_" + suffix;
    KafkaQueueOptions load = KafkaQueueOptions.of(bootstrap, topic, "unused");
    KafkaEventPublisher publisher = await(KafkaEventPublisher.create(vertx, load));
    long loadStart = System.nanoTime();
    List<Future<Void>> publishes = new ArrayList<>();
    for (int from = 0; from < traffic.size(); from += 500) {
      publishes.add(publisher.publish(traffic.subList(from, Math.min(traffic.size(), from + 500))));
      if (publishes.size() >= 64) {
        await(Future.all(publishes));
        publishes.clear();
      }
    }
    await(Future.all(publishes));
    double loadRate = traffic.size() / seconds(loadStart);
    await(publisher.close());
    if (measure) {
      record("Kafka publish (collector side, 500-event calls, acks=all)", loadRate);
    }

    String exported = null;
    for (Variant variant : VARIANTS) {
      String database = "bench_" + suffix + "_" + variant.batch() + "_" + variant.inserts();
      quiesce();
      drain(variant, load.withMaxInFlightEvents((variant.inserts() + 1) * variant.batch()),
          database, topic + "_" + database, traffic.size(), measure);
      if (exported == null) {
        exported = database;
      } else {
        post("DROP DATABASE IF EXISTS " + database);
      }
      if (!measure) {
        break;
      }
    }
    if (!measure) {
      post("DROP DATABASE IF EXISTS " + exported);
      return;
    }

    Path tsv = Files.createTempFile("writer-bench", ".tsv");
    try {
      exportTsv(exported, tsv);
      long rows;
      try (var lines = Files.lines(tsv)) {
        rows = lines.count();
      }
      quiesce();
      record("ClickHouse adapter alone: the same events in 10,000-row inserts, no Kafka",
          adapterAlone(exported, traffic));
      quiesce();
      record("ClickHouse bulk: one HTTP insert of a TSV file", httpBulk(exported, tsv, rows));
      quiesce();
      record("ClickHouse bulk: the TSV in 10,000-row HTTP inserts", httpChunks(exported, tsv, rows));
      if (clickHouse != null) {
        quiesce();
        record("ClickHouse bulk: clickhouse-client < TSV file", clientBulk(exported, tsv, rows));
      }
    } finally {
      Files.deleteIfExists(tsv);
      post("DROP DATABASE IF EXISTS " + exported);
    }
  }

  /** A writer with {@code variant}'s settings drains the loaded topic in a group of its own. */
  private void drain(Variant variant, KafkaQueueOptions load, String database, String group, int events,
      boolean measure) throws Exception {
    KafkaQueueOptions queue = KafkaQueueOptions.of(load.bootstrap(), load.topic(), group)
        .withMaxInFlightEvents(load.maxInFlightEvents());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TimedStore store = new TimedStore(new ClickHouseEventStore(vertx, ClickHouseOptions.of(clickHouseUrl, database), registry));
    await(store.migrate());
    KafkaEventConsumer consumer = await(KafkaEventConsumer.create(vertx, queue, registry));
    String deployment = await(vertx.deployVerticle(new WriterVerticle(consumer, store,
        WriterOptions.of(variant.batch(), Duration.ofSeconds(1)).withInserts(variant.inserts()),
        new WriterMetrics(registry, consumer))));
    while (store.rows.get() < events) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    await(vertx.undeploy(deployment));
    await(store.close());
    if (!measure) {
      return;
    }
    double sustained = (store.rows.get() - store.firstBatchRows) / ((store.lastDone - store.firstDone) / 1e9);
    record(variant.label(), sustained);
    var inserts = registry.get("trackflow.writer.insert").tag("outcome", "success").timer();
    System.out.printf("    %d inserts of %,.0f rows on average, %,.0f ms each on average (max %,.0f ms)%n",
        inserts.count(), registry.get("trackflow.writer.batch.size").summary().mean(),
        inserts.mean(TimeUnit.MILLISECONDS), inserts.max(TimeUnit.MILLISECONDS));
  }

  /** Passes inserts through and notes when each completed. */
  private static final class TimedStore extends ForwardingEventStore {
    final AtomicLong rows = new AtomicLong();
    volatile long firstDone;
    volatile long lastDone;
    volatile long firstBatchRows;

    TimedStore(EventStore inner) {
      super(inner);
    }

    @Override
    public Future<Void> insert(List<Event> events) {
      return inner.insert(events).onSuccess(v -> {
        long now = System.nanoTime();
        if (firstDone == 0) {
          firstDone = now;
          firstBatchRows = events.size();
        }
        lastDone = now;
        rows.addAndGet(events.size());
      });
    }
  }

  private void exportTsv(String database, Path file) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(clickHouseUrl + "/?database=" + database))
        .POST(HttpRequest.BodyPublishers.ofString("SELECT * FROM events FORMAT TSV")).build();
    check(http.send(request, HttpResponse.BodyHandlers.ofFile(file)).statusCode(), "export");
  }

  private double httpBulk(String database, Path tsv, long rows) throws Exception {
    post("CREATE TABLE " + database + ".bulk_http AS " + database + ".events");
    long start = System.nanoTime();
    String query = URLEncoder.encode("INSERT INTO " + database + ".bulk_http FORMAT TSV", StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(clickHouseUrl + "/?query=" + query))
        .POST(HttpRequest.BodyPublishers.ofFile(tsv)).build();
    check(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode(), "bulk insert");
    return rows / seconds(start);
  }

  /** The store adapter by itself, one 10,000-event insert after the other: the writer's ceiling. */
  private double adapterAlone(String database, List<Event> traffic) throws Exception {
    ClickHouseEventStore store = new ClickHouseEventStore(vertx,
        ClickHouseOptions.of(clickHouseUrl, database + "_adapter"), new SimpleMeterRegistry());
    try {
      await(store.migrate());
      long start = System.nanoTime();
      Future<Void> chain = Future.succeededFuture();
      for (int from = 0; from < traffic.size(); from += BATCH) {
        List<Event> batch = traffic.subList(from, Math.min(traffic.size(), from + BATCH));
        chain = chain.compose(v -> store.insert(batch));
      }
      await(chain);
      return traffic.size() / seconds(start);
    } finally {
      await(store.close());
      post("DROP DATABASE IF EXISTS " + database + "_adapter");
    }
  }

  /** Waits until ClickHouse runs no background merge, so no measurement pays for an earlier one. */
  private void quiesce() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (Long.parseLong(post("SELECT count() FROM system.merges").strip()) > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  /** The same rows in the writer's batch size: ClickHouse's own cost per 10,000-row insert. */
  private double httpChunks(String database, Path tsv, long rows) throws Exception {
    post("CREATE TABLE " + database + ".bulk_chunks AS " + database + ".events");
    List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
    List<byte[]> chunks = new ArrayList<>();
    for (int from = 0; from < lines.size(); from += BATCH) {
      chunks.add((String.join("\n", lines.subList(from, Math.min(lines.size(), from + BATCH))) + "\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    String query = URLEncoder.encode("INSERT INTO " + database + ".bulk_chunks FORMAT TSV", StandardCharsets.UTF_8);
    long start = System.nanoTime();
    for (byte[] chunk : chunks) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(clickHouseUrl + "/?query=" + query))
          .POST(HttpRequest.BodyPublishers.ofByteArray(chunk)).build();
      check(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode(), "chunk insert");
    }
    return rows / seconds(start);
  }

  private double clientBulk(String database, Path tsv, long rows) throws Exception {
    post("CREATE TABLE " + database + ".bulk_client AS " + database + ".events");
    long start = System.nanoTime();
    Process client = new ProcessBuilder("clickhouse-client", "--host", clickHouse.host(),
        "--port", Integer.toString(clickHouse.tcpPort()),
        "--query", "INSERT INTO " + database + ".bulk_client FORMAT TSV")
        .redirectInput(tsv.toFile()).redirectErrorStream(true).start();
    String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!client.waitFor(10, TimeUnit.MINUTES) || client.exitValue() != 0) {
      throw new IllegalStateException("clickhouse-client failed: " + output);
    }
    return rows / seconds(start);
  }

  // ---- freshness ----------------------------------------------------------------------------

  private void freshness(int rate, int seconds) throws Exception {
    quiesce();
    String suffix = "fresh_" + System.nanoTime() % 1_000_000;
    KafkaQueueOptions queue = KafkaQueueOptions.of(bootstrap, "bench_" + suffix, "bench_" + suffix)
        .withMaxInFlightEvents(3 * BATCH);
    ClickHouseOptions storeOptions = ClickHouseOptions.of(clickHouseUrl, "bench_" + suffix);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ClickHouseEventStore store = new ClickHouseEventStore(vertx, storeOptions, registry);
    await(store.migrate());
    KafkaEventPublisher publisher = await(KafkaEventPublisher.create(vertx, queue));
    KafkaEventConsumer consumer = await(KafkaEventConsumer.create(vertx, queue, registry));
    String deployment = await(vertx.deployVerticle(new WriterVerticle(consumer, store,
        WriterOptions.of(BATCH, Duration.ofSeconds(1)),
        new WriterMetrics(registry, consumer))));

    long base = 1_000_000_000L;
    QueueEvents source = new QueueEvents(base);
    int calls = rate / PER_CALL * seconds;
    AtomicLongArray published = new AtomicLongArray(calls);
    long[] visible = new long[calls];
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) * PER_CALL / rate;
    long start = System.nanoTime();
    AtomicLong sent = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    // Paced by the clock: each timer tick publishes every call that is due by now.
    long timer = vertx.setPeriodic(5, id -> {
      long due = Math.min(calls, (System.nanoTime() - start) / intervalNanos + 1);
      while (sent.get() < due) {
        int call = (int) sent.getAndIncrement();
        List<Event> batch = new ArrayList<>(PER_CALL);
        for (int i = 0; i < PER_CALL; i++) {
          batch.add(source.event(ThreadLocalRandom.current().nextLong(1, 50_000), call));
        }
        published.set(call, System.nanoTime());
        publisher.publish(batch).onFailure(e -> failed.incrementAndGet());
      }
    });

    int lowest = 0;
    String table = storeOptions.database() + ".events";
    while (lowest < calls) {
      String answer = post("SELECT intDiv(event_id - " + base + ", " + PER_CALL + ") AS c, count() FROM " + table
          + " WHERE event_id >= " + (base + (long) lowest * PER_CALL) + " GROUP BY c FORMAT TSV");
      long now = System.nanoTime();
      for (String line : answer.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        String[] cols = line.split("\t");
        int call = Integer.parseInt(cols[0]);
        if (call < calls && visible[call] == 0 && Long.parseLong(cols[1]) == PER_CALL) {
          visible[call] = now;
        }
      }
      while (lowest < calls && visible[lowest] != 0) {
        lowest++;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    vertx.cancelTimer(timer);
    double achieved = (double) calls * PER_CALL / ((published.get(calls - 1) - published.get(0)) / 1e9);
    await(vertx.undeploy(deployment));
    await(store.close());
    await(publisher.close());
    post("DROP DATABASE IF EXISTS " + storeOptions.database());

    // The first 3 s include the consumer joining its group; they are left out.
    int skip = Math.min(calls - 1, rate / PER_CALL * 3);
    List<Double> lags = new ArrayList<>();
    for (int c = skip; c < calls; c++) {
      lags.add((visible[c] - published.get(c)) / 1e6);
    }
    lags.sort(Double::compare);
    System.out.printf("Freshness at %,.0f events/s for %d s (%,d calls measured, %d publish failures):%n",
        achieved, seconds, lags.size(), failed.get());
    System.out.println("| publish → visible to a query | ms |");
    System.out.println("| --- | ---: |");
    for (double q : new double[] {0.5, 0.95, 0.99, 1.0}) {
      System.out.printf("| %s | %,.0f |%n", q == 1.0 ? "max" : "p" + Math.round(q * 100),
          lags.get((int) Math.min(lags.size() - 1, Math.ceil(q * lags.size()) - 1)));
    }
    System.out.printf("writer batches: %,d inserts, mean %,.0f rows%n",
        registry.get("trackflow.writer.batch.size").summary().count(),
        registry.get("trackflow.writer.batch.size").summary().mean());
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void record(String name, double rowsPerSecond) {
    results.computeIfAbsent(name, k -> new ArrayList<>()).add(rowsPerSecond);
    System.out.printf("  %-58s %,12.0f rows/s%n", name, rowsPerSecond);
  }

  private String post(String sql) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(clickHouseUrl + "/"))
        .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    check(response.statusCode(), sql + ": " + response.body());
    return response.body();
  }

  private static void check(int status, String what) {
    if (status != 200) {
      throw new IllegalStateException("ClickHouse answered " + status + " to " + what);
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
  }

  private void close() throws Exception {
    try {
      await(vertx.close());
    } finally {
      if (clickHouse != null) {
        clickHouse.close();
      }
      if (kafka != null) {
        kafka.close();
      }
    }
  }
}

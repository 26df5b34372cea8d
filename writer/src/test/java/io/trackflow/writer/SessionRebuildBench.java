package io.trackflow.writer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.queue.Delivery;
import io.trackflow.core.queue.PartitionAssignment;
import io.trackflow.core.queue.local.InProcessQueue;
import io.trackflow.core.session.SessionState;
import io.trackflow.core.session.StoredSession;
import io.trackflow.core.store.EventStore;
import io.trackflow.testsupport.ClickHouseService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What keeping sessions in the writer costs:
 *
 * <ol>
 *   <li>Rebuild: N open sessions (last active within the last 20 minutes) stored in each event
 *       store; then a writer is assigned the partitions and loads them ({@link SessionKeeper}:
 *       {@code openSessions} plus restoring the state), as one owner of the only partition and
 *       as the owner of one partition of six (reading all, keeping a sixth). Wall time per load.
 *   <li>Sessionizing: generated traffic (visitors with several events each, some pings, arriving
 *       in time order) given its sessions by one partition's {@link PartitionSessions}, in
 *       deliveries of 1,000: events per second of one thread's CPU time.
 * </ol>
 *
 * Usage and figures: docs/benchmarks.md, "Sessions in the writer".
 */
public final class SessionRebuildBench {

  private static final long MINUTE = 60_000;

  private final Vertx vertx = Vertx.vertx();
  private final int sessions;
  private final int rounds;

  private SessionRebuildBench(int sessions, int rounds) {
    this.sessions = sessions;
    this.rounds = rounds;
  }

  public static void main(String[] args) throws Exception {
    SessionRebuildBench bench = new SessionRebuildBench(Integer.getInteger("sessions", 100_000),
        Integer.getInteger("rounds", 5));
    String clickHouseUrl = System.getProperty("clickhouse.url", "");
    ClickHouseService clickHouse = null;
    try {
      if (clickHouseUrl.isBlank()) {
        clickHouse = ClickHouseService.launch();
        clickHouseUrl = clickHouse.httpUrl();
      }
      Path dir = Files.createTempDirectory("rebuild-bench");
      bench.rebuild("DuckDB", new DuckDbEventStore(bench.vertx, dir.resolve("events.duckdb"), new SimpleMeterRegistry()));
      bench.rebuild("ClickHouse", new ClickHouseEventStore(bench.vertx,
          ClickHouseOptions.of(clickHouseUrl, "rebuild_bench_" + System.nanoTime()), new SimpleMeterRegistry()));
      bench.sessionize(Integer.getInteger("events", 2_000_000));
    } finally {
      if (clickHouse != null) {
        clickHouse.close();
      }
      bench.vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(10, TimeUnit.MINUTES);
  }

  /** One stored session per visitor, last active within the last 20 minutes. */
  private List<Event> openSessions(long now) {
    Random random = new Random(7);
    List<Event> rows = new ArrayList<>(sessions);
    for (int i = 0; i < sessions; i++) {
      long visitor = random.nextLong();
      long last = now - random.nextInt(20 * 60_000);
      long start = last - random.nextInt(10 * 60_000);
      int events = 1 + random.nextInt(8);
      VisitSource source = new VisitSource("https://www.google.com/", "Google", "", "", "campaign-" + i % 50, "", "");
      SessionTotals totals = new SessionTotals(start, last, events, events, random.nextInt(2), "/landing/" + i % 200,
          "/page/" + i % 500, start, last, last, events + 1, 0, i * 10L, i * 10L + events);
      rows.add(Event.builder().eventId(random.nextLong()).site("site-" + i % 4 + ".example").timestampMillis(last)
          .pathname("/page/" + i % 500).visitorId(visitor).sessionId(SessionState.idFor("s", visitor, i))
          .visitSource(source).country("DE").device("Desktop").browser("Firefox").os("Linux").session(totals).build());
    }
    return rows;
  }

  private void rebuild(String name, EventStore store) throws Exception {
    try {
      await(store.migrate());
      long now = System.currentTimeMillis();
      List<Event> rows = openSessions(now);
      for (int from = 0; from < rows.size(); from += 10_000) {
        await(store.insert(rows.subList(from, Math.min(rows.size(), from + 10_000))));
      }
      for (int round = 1; round <= rounds; round++) {
        long readStart = System.nanoTime();
        List<StoredSession> read = await(store.openSessions(now - 35 * MINUTE, Long.MAX_VALUE));
        long readNanos = System.nanoTime() - readStart;
        double whole = load(store, new PartitionAssignment(Set.of(0), 1, v -> 0));
        double sixth = load(store, new PartitionAssignment(Set.of(2), 6, v -> (int) Math.floorMod(v, 6L)));
        System.out.printf("%s round %d: %d open sessions read in %.0f ms; rebuild of the only partition %.0f ms,"
            + " of one partition of six %.0f ms%n", name, round, read.size(), readNanos / 1e6, whole, sixth);
      }
    } finally {
      await(store.close());
    }
  }

  /** Milliseconds from assignment until its sessions are loaded. */
  private double load(EventStore store, PartitionAssignment assignment) throws Exception {
    SessionKeeper keeper = new SessionKeeper(vertx, store, Clock.systemUTC(), SessionState.DEFAULT_TIMEOUT,
        WriterOptions.of(10_000, Duration.ofSeconds(1)), new WriterMetrics(new SimpleMeterRegistry(), new InProcessQueue(vertx, 1)));
    long start = System.nanoTime();
    await(keeper.assigned(assignment));
    return (System.nanoTime() - start) / 1e6;
  }

  private void sessionize(int count) {
    Random random = new Random(11);
    List<Event> traffic = new ArrayList<>(count);
    long t = System.currentTimeMillis() - 3 * 3_600_000L;
    long[] visitors = new long[50_000];
    for (int i = 0; i < visitors.length; i++) {
      visitors[i] = random.nextLong();
    }
    for (int i = 0; i < count; i++) {
      t += random.nextInt(10);
      int kind = random.nextInt(10);
      traffic.add(Event.builder().eventId(i).site("shop.example").visitorId(visitors[random.nextInt(visitors.length)])
          .timestampMillis(t).name(kind < 6 ? Event.PAGEVIEW : kind < 9 ? Event.ENGAGEMENT : "Signup")
          .pathname("/p" + random.nextInt(300)).build());
    }
    var threads = ManagementFactory.getThreadMXBean();
    for (int round = 1; round <= rounds; round++) {
      PartitionSessions partition = new PartitionSessions(0, SessionState.DEFAULT_TIMEOUT.toMillis(),
          new SimpleMeterRegistry().counter("replayed"));
      long cpu = threads.getCurrentThreadCpuTime();
      long position = 0;
      for (int from = 0; from < traffic.size(); from += 1_000) {
        List<Event> delivery = traffic.subList(from, Math.min(traffic.size(), from + 1_000));
        long[] positions = new long[delivery.size()];
        for (int i = 0; i < positions.length; i++) {
          positions[i] = ++position;
        }
        partition.assign(new Delivery(0, delivery, positions));
      }
      double seconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
      System.out.printf("sessionize round %d: %d events in %.2f s of CPU: %.0f events/s per core, %d open sessions%n",
          round, traffic.size(), seconds, traffic.size() / seconds, partition.size());
    }
  }
}

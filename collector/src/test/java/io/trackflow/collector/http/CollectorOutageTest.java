package io.trackflow.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.trackflow.collector.Await;
import io.trackflow.collector.TestEnrichers;
import io.trackflow.core.config.Setting;
import io.trackflow.core.dedup.Deduplicator;
import io.trackflow.core.dedup.local.InMemoryDeduplicator;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.core.queue.QueueUnavailableException;
import io.trackflow.core.queue.spool.EventSpool;
import io.trackflow.core.session.local.InMemorySaltStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector while its queue is unavailable, with a queue the test drives (available or not;
 * publishes accepted, refused, or held until the test decides) and a real spool on disk: beacons
 * are refused at once, pixel hits are spooled and replayed, and every hit is counted once.
 */
class CollectorOutageTest {

  private static final String FIREFOX = CollectorHttpTest.FIREFOX;
  private static final String SITE = "example.com";

  /** A queue the test drives. Held publishes complete on the event loop that made them. */
  static final class ControlledQueue implements EventPublisher {
    enum Mode { ACCEPT, REFUSE, HOLD }

    record Held(List<Event> events, Promise<Void> promise, Context context) {}

    volatile boolean available = true;
    volatile Mode mode = Mode.ACCEPT;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<Held> held = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public Future<Void> publish(List<Event> batch) {
      calls.incrementAndGet();
      if (!available || mode == Mode.REFUSE) {
        return Future.failedFuture(new QueueUnavailableException("test queue refuses"));
      }
      if (mode == Mode.HOLD) {
        Promise<Void> promise = Promise.promise();
        held.add(new Held(batch, promise, Vertx.currentContext()));
        return promise.future();
      }
      events.addAll(batch);
      return Future.succeededFuture();
    }

    /** Completes every held publish: delivered (its events reach the queue) or failed. */
    void settleHeld(boolean delivered) {
      for (Held h : held) {
        held.remove(h);
        h.context().runOnContext(v -> {
          if (delivered) {
            events.addAll(h.events());
            h.promise().complete();
          } else {
            h.promise().fail(new QueueUnavailableException("delivery timed out"));
          }
        });
      }
    }

    @Override
    public boolean healthy() {
      return available;
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  /** The in-memory deduplicator, counting the calls it gets. */
  static final class CountingDedup implements Deduplicator {
    final InMemoryDeduplicator delegate = new InMemoryDeduplicator(Clock.systemUTC(), 3_600_000, 100_000);
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public Future<List<Boolean>> firstSeen(List<String> keys) {
      calls.incrementAndGet();
      return delegate.firstSeen(keys);
    }

    @Override
    public Future<Void> forget(List<String> keys) {
      return delegate.forget(keys);
    }
  }

  @TempDir Path spoolDir;
  private final ControlledQueue queue = new ControlledQueue();
  private final CountingDedup dedup = new CountingDedup();
  private CollectorServer server;
  private WebClient client;
  private EventSpool spool;

  private void start(EventSpool.Options options) throws Exception {
    server = new CollectorServer(TestEnrichers.get(), vertx -> new CollectorServer.Ports(
        Future.succeededFuture(queue), dedup, new InMemorySaltStore()),
        Map.of(Setting.TRUSTED_PROXIES, "127.0.0.1"), options);
    spool = server.spool;
    client = WebClient.create(server.vertx, new WebClientOptions().setDefaultPort(server.port)
        .setDefaultHost("127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<Buffer> beacon(JsonObject event) throws Exception {
    return CollectorServer.await(client.post("/api/event").putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", FIREFOX).putHeader("X-Forwarded-For", "198.51.100.10")
        .sendBuffer(Buffer.buffer(event.encode())));
  }

  private void pixel(String query, String ua) throws Exception {
    HttpResponse<Buffer> r = CollectorServer.await(client.get("/i?" + query).putHeader("User-Agent", ua)
        .putHeader("X-Forwarded-For", "8.8.8.8").send());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  private static JsonObject event(String id) {
    return new JsonObject().put("n", "pageview").put("u", "https://example.com/docs").put("d", SITE).put("id", id);
  }

  private double count(String name, String... tags) {
    return server.counter(name, tags);
  }

  private double spooled(String site) {
    Gauge g = server.registry.find("trackflow.collector.hits.spooled").tag("site", site).gauge();
    return g == null ? 0 : g.value();
  }

  /** received = accepted + duplicate + bot + privacy + rejected + lost + spooled, for one site. */
  private void assertIdentity(String site) {
    double received = count("trackflow.collector.hits.received", "site", site);
    double parts = count("trackflow.collector.hits.accepted", "site", site)
        + count("trackflow.collector.hits.duplicate", "site", site)
        + count("trackflow.collector.hits.bot", "site", site)
        + count("trackflow.collector.hits.privacy", "site", site)
        + count("trackflow.collector.hits.rejected", "site", site)
        + count("trackflow.collector.hits.lost", "site", site)
        + spooled(site);
    assertThat(parts).as("accepted + duplicate + bot + privacy + rejected + lost + spooled of site '%s'", site)
        .isEqualTo(received);
  }

  /**
   * Sends a beacon whose publish the queue holds, then makes the queue unavailable: the beacon is
   * answered 503 while its publish is still outstanding.
   */
  private void releaseHeldBeacon(String id) throws Exception {
    start(EventSpool.Options.of(spoolDir, 1024 * 1024));
    queue.mode = ControlledQueue.Mode.HOLD;
    Future<HttpResponse<Buffer>> waiting = client.post("/api/event").putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", FIREFOX).putHeader("X-Forwarded-For", "198.51.100.10")
        .sendBuffer(Buffer.buffer(event(id).encode()));
    assertThat(Await.until(() -> queue.held.size() == 1, Duration.ofSeconds(10))).isTrue();
    queue.available = false;
    assertThat(CollectorServer.await(waiting).statusCode()).isEqualTo(503);
    assertThat(queue.held).as("its publish still outstanding").hasSize(1);
  }

  private JsonObject ready() throws Exception {
    return CollectorServer.await(client.get("/health/ready").send()).bodyAsJsonObject();
  }

  @Test
  @DisplayName("While the queue is known unavailable a beacon is answered 503 with Retry-After without a dedup call or a publish, counted as rejected for queue_unavailable; readiness says the queue is DEGRADED and clears when it is back")
  void beaconsFailFastWhileUnavailable() throws Exception {
    start(EventSpool.Options.of(spoolDir, 1024 * 1024));
    queue.available = false;
    int dedupCalls = dedup.calls.get();
    int publishCalls = queue.calls.get();

    HttpResponse<Buffer> refused = beacon(event("fast-1"));
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.getHeader("Retry-After")).isEqualTo("5");
    assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("queue_unavailable");
    assertThat(dedup.calls.get()).as("dedup calls").isEqualTo(dedupCalls);
    assertThat(queue.calls.get()).as("publish calls").isEqualTo(publishCalls);
    assertThat(count("trackflow.collector.hits.rejected", "reason", "queue_unavailable", "site", SITE)).isEqualTo(1);
    assertThat(server.registry.get("trackflow.collector.queue.unavailable").gauge().value()).isEqualTo(1);
    JsonObject degraded = ready();
    assertThat(degraded.getString("status")).isEqualTo("UP");
    assertThat(degraded.getJsonObject("checks").getString("queue")).isEqualTo("DEGRADED");

    queue.available = true;
    HttpResponse<Buffer> retried = beacon(event("fast-1"));
    assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(202);
    assertThat(retried.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
    assertThat(ready().getJsonObject("checks").getString("queue")).isEqualTo("UP");
    assertThat(server.registry.get("trackflow.collector.queue.unavailable").gauge().value()).isZero();
    assertIdentity(SITE);
  }

  @Test
  @DisplayName("Pixel hits while the queue is unavailable go to the spool after dedup, and once it is back are replayed in the order they came, each published once; hits counted per site add up at every step")
  void pixelsSpooledAndReplayedInOrder() throws Exception {
    start(EventSpool.Options.of(spoolDir, 1024 * 1024));
    queue.available = false;
    for (int i = 0; i < 30; i++) {
      pixel("d=example.com&u=https://example.com/p" + i + "&id=px-" + i, FIREFOX);
    }
    pixel("d=example.com&u=https://example.com/p3&id=px-3", FIREFOX); // a repeat
    pixel("d=example.com&u=https://example.com/bot&id=bot", CollectorHttpTest.GOOGLEBOT);
    pixel("u=https://example.com/no-domain", FIREFOX);
    assertThat(Await.until(() -> spooled(SITE) == 30, Duration.ofSeconds(10)))
        .as("30 hits in the spool, spooled gauge %s", spooled(SITE)).isTrue();
    Await.until(() -> count("trackflow.collector.hits.received") == 33, Duration.ofSeconds(10));
    assertThat(queue.events).isEmpty();
    assertIdentity(SITE);
    assertIdentity("");

    queue.available = true;
    // Counted as accepted once the spool's cursor moved past them: the last thing replay does.
    assertThat(Await.until(() -> count("trackflow.collector.hits.accepted", "site", SITE) == 30, Duration.ofSeconds(10)))
        .as("replayed: %s events, %s still spooled", queue.events.size(), spooled(SITE)).isTrue();
    assertThat(queue.events).hasSize(30);
    assertThat(spooled(SITE)).isZero();
    assertThat(queue.events.stream().map(Event::pathname).toList())
        .isEqualTo(java.util.stream.IntStream.range(0, 30).mapToObj(i -> "/p" + i).toList());
    assertThat(count("trackflow.collector.hits.accepted", "site", SITE)).isEqualTo(30);
    assertThat(count("trackflow.collector.spool.replayed")).isEqualTo(30);
    assertIdentity(SITE);

    // With the spool empty again, pixel hits go straight to the queue.
    pixel("d=example.com&u=https://example.com/after&id=px-after", FIREFOX);
    assertThat(Await.until(() -> count("trackflow.collector.hits.accepted", "site", SITE) == 31, Duration.ofSeconds(10)))
        .isTrue();
    assertThat(queue.events).hasSize(31);
    assertThat(spool.bytes()).as("spool segments left").isZero();
    assertIdentity(SITE);
  }

  @Test
  @DisplayName("A beacon whose publish is outstanding when the queue becomes unavailable is answered 503 at once; delivered afterwards it is accepted, and its retry is answered as a duplicate")
  void releasedBeaconDelivered() throws Exception {
    releaseHeldBeacon("held-1");
    assertThat(queue.events).as("nothing delivered yet").isEmpty();

    queue.settleHeld(true);
    Await.until(() -> count("trackflow.collector.hits.accepted", "site", SITE) == 1, Duration.ofSeconds(10));
    queue.available = true;
    queue.mode = ControlledQueue.Mode.ACCEPT;
    HttpResponse<Buffer> retry = beacon(event("held-1"));
    assertThat(retry.statusCode()).isEqualTo(202);
    assertThat(retry.bodyAsJsonObject().getInteger("duplicates")).isEqualTo(1);
    assertThat(queue.events).hasSize(1);
    assertThat(spool.events()).isZero();
    assertIdentity(SITE);
  }

  @Test
  @DisplayName("A beacon released with 503 whose publish then fails goes to the spool and is replayed once the queue is back; its retries are refused while the queue is down and a duplicate afterwards")
  void releasedBeaconFailsIntoSpool() throws Exception {
    releaseHeldBeacon("held-2");
    queue.settleHeld(false);
    assertThat(Await.until(() -> spooled(SITE) == 1, Duration.ofSeconds(10))).as("the beacon in the spool").isTrue();
    assertThat(beacon(event("held-2")).statusCode()).as("a retry while the queue is down").isEqualTo(503);

    queue.mode = ControlledQueue.Mode.ACCEPT;
    queue.available = true;
    assertThat(Await.until(() -> count("trackflow.collector.hits.accepted", "site", SITE) == 1, Duration.ofSeconds(10)))
        .as("the spooled beacon replayed").isTrue();
    assertThat(spooled(SITE)).isZero();
    HttpResponse<Buffer> retry = beacon(event("held-2"));
    assertThat(retry.statusCode()).isEqualTo(202);
    assertThat(retry.bodyAsJsonObject().getInteger("duplicates")).isEqualTo(1);
    assertThat(queue.events).hasSize(1);
    assertIdentity(SITE);
  }

  @Test
  @DisplayName("When the spool is full, pixel hits are dropped and counted as lost, and the GIF is still answered at once")
  void fullSpoolLoses() throws Exception {
    // A spool of 8 KiB: a few dozen hits.
    start(new EventSpool.Options(spoolDir, 8 * 1024, 8 * 1024, 8 * 1024));
    queue.available = false;
    for (int i = 0; i < 100; i++) {
      pixel("d=example.com&u=https://example.com/full" + i + "&id=full-" + i, FIREFOX);
    }
    assertThat(Await.until(() -> spooled(SITE) + count("trackflow.collector.hits.lost", "site", SITE) == 100,
        Duration.ofSeconds(10))).isTrue();
    assertThat(count("trackflow.collector.hits.lost", "site", SITE)).as("lost").isPositive();
    assertThat(spooled(SITE)).as("spooled").isPositive();
    assertThat(spool.bytes()).isLessThanOrEqualTo(8 * 1024);
    assertIdentity(SITE);
  }
}

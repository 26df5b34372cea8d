package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Steady beacon and pixel traffic to one site, sent as browsers send it: every beacon until it is
 * answered {@code 202} (a {@code 503} is sent again after its {@code Retry-After}, as the tracker
 * does; a refused connection soon after), every pixel once (the browser has its GIF or nothing).
 * One sender thread per kind, each paced to a fixed rate, many visitors (client addresses).
 * Records which hits were answered how, and how long each {@code 503} took to arrive.
 */
final class HitLoad {

  private final Supplier<TrackflowHttp> collector;
  private final String site;
  private final String prefix;
  private final long beaconIntervalNanos;
  private final long pixelIntervalNanos;
  private final Set<String> acceptedBeacons = ConcurrentHashMap.newKeySet();
  private final Set<String> answeredPixels = ConcurrentHashMap.newKeySet();
  private final Set<String> pendingBeacons = ConcurrentHashMap.newKeySet();
  private final List<Long> refusalNanos = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger beaconsSent = new AtomicInteger();
  private final AtomicInteger pixelsSent = new AtomicInteger();
  private final AtomicInteger refusals = new AtomicInteger();
  private final AtomicBoolean sendingNew = new AtomicBoolean(true);
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final List<Thread> threads = new ArrayList<>();

  /** A retry due at {@code dueNanos}. */
  private record Retry(String id, long dueNanos) {}

  /**
   * Traffic to {@code site} through whatever {@code collector} returns at the time (a collector
   * may be replaced under way), {@code beaconsPerSecond} new beacons and {@code pixelsPerSecond}
   * pixels per second; hit ids start with {@code prefix}.
   */
  HitLoad(Supplier<TrackflowHttp> collector, String site, String prefix, int beaconsPerSecond, int pixelsPerSecond) {
    this.collector = collector;
    this.site = site;
    this.prefix = prefix;
    this.beaconIntervalNanos = TimeUnit.SECONDS.toNanos(1) / beaconsPerSecond;
    this.pixelIntervalNanos = pixelsPerSecond == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / pixelsPerSecond;
  }

  /** Starts sending and returns once both kinds of hit have been answered a few times. */
  HitLoad start() {
    threads.add(thread("beacons", this::sendBeacons));
    if (pixelIntervalNanos > 0) {
      threads.add(thread("pixels", this::sendPixels));
    }
    threads.forEach(Thread::start);
    Await.until("traffic to flow", () -> acceptedBeacons.size() + answeredPixels.size(),
        n -> n >= 20 || failure.get() != null);
    assertNoFailure();
    return this;
  }

  private Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, prefix + "-" + name);
    t.setDaemon(true);
    t.setUncaughtExceptionHandler((x, e) -> failure.set(e));
    return t;
  }

  /**
   * Stops sending new hits, retries every beacon not yet accepted until it is (the queue must be
   * back), and stops the senders.
   */
  void finish() {
    sendingNew.set(false);
    Await.until("every beacon to be accepted (" + pendingBeacons.size() + " waiting)",
        Duration.ofMinutes(3), pendingBeacons::size, n -> n == 0 || failure.get() != null);
    stopped.set(true);
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.MINUTES.toMillis(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    assertNoFailure();
    System.out.printf("%s: %d beacons sent (%d accepted, %d refusals with 503 on the way), %d pixels answered%n",
        prefix, beaconsSent.get(), acceptedBeacons.size(), refusals.get(), answeredPixels.size());
  }

  void assertNoFailure() {
    assertThat(failure.get()).as("the senders' view of the traffic").isNull();
  }

  /** Hits that must be stored, once each: every beacon accepted and every pixel answered. */
  int expectedStored() {
    return acceptedBeacons.size() + answeredPixels.size();
  }

  int pixels() {
    return answeredPixels.size();
  }

  int beacons() {
    return acceptedBeacons.size();
  }

  /** Beacons answered 503 so far. */
  int refusals() {
    return refusals.get();
  }

  /** Forgets the 503 times measured so far (e.g. before an outage begins). */
  void resetRefusalTimes() {
    refusalNanos.clear();
  }

  /** p50, p99 and max of the 503 answer times measured since the last reset, in milliseconds. */
  Map<String, Double> refusalMillis() {
    List<Long> sorted;
    synchronized (refusalNanos) {
      sorted = new ArrayList<>(refusalNanos);
    }
    Collections.sort(sorted);
    Map<String, Double> result = new LinkedHashMap<>();
    result.put("n", (double) sorted.size());
    if (!sorted.isEmpty()) {
      result.put("p50", sorted.get((int) Math.ceil(0.50 * sorted.size()) - 1) / 1e6);
      result.put("p99", sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1) / 1e6);
      result.put("max", sorted.getLast() / 1e6);
    }
    return result;
  }

  // ---- senders ---------------------------------------------------------------------------------

  private void sendBeacons() {
    ArrayDeque<Retry> retries = new ArrayDeque<>();
    long next = System.nanoTime();
    while (!stopped.get()) {
      Retry due = retries.peekFirst();
      String id;
      if (due != null && System.nanoTime() - due.dueNanos() >= 0) {
        id = retries.pollFirst().id();
      } else if (sendingNew.get() && System.nanoTime() - next >= 0) {
        id = prefix + "-b-" + beaconsSent.getAndIncrement();
        pendingBeacons.add(id);
        next += beaconIntervalNanos;
      } else {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pacing, not synchronisation
        continue;
      }
      Integer retryAfter = sendBeacon(id);
      if (retryAfter == null) {
        pendingBeacons.remove(id);
        acceptedBeacons.add(id);
      } else {
        retries.addLast(new Retry(id, System.nanoTime() + TimeUnit.SECONDS.toNanos(retryAfter)));
      }
    }
  }

  /** Null when accepted (or a duplicate of an accepted one); else seconds to wait before retrying. */
  private Integer sendBeacon(String id) {
    int n = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
    JsonObject event = new JsonObject().put("n", "pageview").put("d", site)
        .put("u", "https://" + site + "/b/" + (n % 20)).put("id", id);
    long start = System.nanoTime();
    HttpResponse<String> answer;
    try {
      answer = collector.get().beacon(event.encode(), "application/json", headers(n));
    } catch (UncheckedIOException unreachable) {
      return 1; // the collector is restarting
    }
    if (answer.statusCode() == 503) {
      refusalNanos.add(System.nanoTime() - start);
      refusals.incrementAndGet();
      assertThat(answer.headers().firstValue("Retry-After")).as("Retry-After of a 503").isPresent();
      return Integer.parseInt(answer.headers().firstValue("Retry-After").get());
    }
    assertThat(answer.statusCode()).as("beacon answer: %s", answer.body()).isEqualTo(202);
    JsonObject summary = new JsonObject(answer.body());
    assertThat(summary.getInteger("accepted") + summary.getInteger("duplicates")).as(answer.body()).isEqualTo(1);
    return null;
  }

  private void sendPixels() {
    long next = System.nanoTime();
    while (!stopped.get() && sendingNew.get()) {
      if (System.nanoTime() - next < 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // pacing, not synchronisation
        continue;
      }
      next += pixelIntervalNanos;
      int n = pixelsSent.getAndIncrement();
      String id = prefix + "-p-" + n;
      try {
        collector.get().pixel(Map.of("d", site, "u", "https://" + site + "/p/" + (n % 20), "id", id), headers(n));
        answeredPixels.add(id);
      } catch (UncheckedIOException unreachable) {
        // No GIF: the browser's request failed, the hit was never received.
      }
    }
  }

  /** One of 50 visitors (client addresses behind the trusted proxy). */
  private static Map<String, String> headers(int n) {
    return Map.of("User-Agent", Traffic.CHROME_WINDOWS.userAgent(), "X-Forwarded-For", "10.3." + (n % 50) + ".7");
  }
}

package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A visitor that keeps sending beacons to one site while the collector's process stops. Every
 * event answered {@code 202} must be stored afterwards; an event whose answer was lost may be
 * stored too (the tracker would retry it), but nothing twice and nothing that was not sent. Each
 * event carries its sequence number as a prop, so the stats API can list exactly which arrived.
 */
final class StopRace {

  private final TrackflowHttp collector;
  private final String site;
  private final Set<String> answered = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicBoolean done = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread sender;

  private StopRace(TrackflowHttp collector, String site) {
    this.collector = collector;
    this.site = site;
    this.sender = new Thread(() -> {
      while (!done.get()) {
        String seq = Integer.toString(sent.getAndIncrement());
        if (send(seq)) {
          answered.add(seq);
        }
      }
    }, "beacons-during-stop");
    sender.setUncaughtExceptionHandler((t, e) -> failure.set(e));
  }

  /** Starts sending and returns once beacons are flowing. */
  static StopRace start(TrackflowHttp collector, String site) {
    StopRace race = new StopRace(collector, site);
    race.sender.start();
    Await.until("beacons to flow", race.answered::size, n -> n >= 20);
    return race;
  }

  /** Stops sending (call after the process stopped). */
  void finish() {
    done.set(true);
    try {
      sender.join(TimeUnit.MINUTES.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(sender.isAlive()).as("the sender finished").isFalse();
    assertThat(failure.get()).as("the sender's view of the stop").isNull();
  }

  /** Checks through {@code api}'s stats that every answered event is stored, once. */
  void assertNothingLost(TrackflowHttp api) {
    Set<String> mustHave = Set.copyOf(answered);
    JsonObject bySeq = TrackflowHttp.stats(site, List.of("events"), List.of("event:props:seq"));
    Map<String, Long> stored = Await.until("every event answered 202 during the stop",
        () -> TrackflowHttp.breakdown(api.query(bySeq)), seqs -> seqs.keySet().containsAll(mustHave));
    System.out.printf("During the stop: %d beacons sent, %d answered 202, %d stored%n",
        sent.get(), mustHave.size(), stored.size());
    assertThat(stored.values()).as("stored once each").allMatch(n -> n == 1L);
    assertThat(stored.keySet()).as("only events that were sent")
        .allMatch(seq -> Integer.parseInt(seq) < sent.get());
  }

  /** One beacon; true when answered 202 with the event accepted. */
  private boolean send(String seq) {
    JsonObject event = new JsonObject().put("n", "pageview").put("d", site)
        .put("u", "https://" + site + "/during-stop").put("id", "stop-" + seq)
        .put("p", new JsonObject().put("seq", seq));
    HttpResponse<String> answer;
    try {
      answer = collector.beacon(event.encode(), "application/json",
          Map.of("User-Agent", Traffic.CHROME_ANDROID.userAgent()));
    } catch (UncheckedIOException unreachable) {
      return false;
    }
    if (answer.statusCode() == 503) {
      return false; // the queue refused it: not accepted, the tracker retries
    }
    assertThat(answer.statusCode()).as("beacon answer while stopping: %s", answer.body()).isEqualTo(202);
    assertThat(new JsonObject(answer.body()).getInteger("accepted")).as(answer.body()).isEqualTo(1);
    return true;
  }
}

package io.trackflow.collector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.dedup.local.InMemoryDeduplicator;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.core.queue.QueueUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The batcher on a real event loop with the in-memory deduplicator; the queue is a stand-in whose
 * publishes wait until the test settles them, so batches under way can be held open.
 */
class HitBatcherTest {

  private static Vertx vertx;
  private static PipelineFixture fixture;

  private Context context;
  private HeldQueue queue;
  private InMemoryDeduplicator dedup;

  @BeforeAll
  static void startVertx() throws Exception {
    vertx = Vertx.vertx();
    fixture = new PipelineFixture();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void freshLoop() {
    context = vertx.getOrCreateContext();
    queue = new HeldQueue();
    dedup = new InMemoryDeduplicator(Clock.systemUTC(), 3_600_000, 10_000);
  }

  /** The queue as the batcher sees it: each publish waits until the test settles it. */
  private static final class HeldQueue implements EventPublisher {
    final List<List<Event>> batches = new ArrayList<>();
    final List<Promise<Void>> outcomes = new ArrayList<>();
    boolean healthy = true;

    @Override
    public Future<Void> publish(List<Event> events) {
      batches.add(List.copyOf(events));
      Promise<Void> outcome = Promise.promise();
      outcomes.add(outcome);
      return outcome.future();
    }

    @Override
    public boolean healthy() {
      return healthy;
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  private HitBatcher batcher(int maxBatch, int maxRunning, int maxPending) {
    return new HitBatcher(context, dedup, queue, null, fixture.metrics, new InFlight(), maxBatch, maxRunning, maxPending);
  }

  /** A beacon hit for its own page of example.com (pages differ, so their dedup keys do). */
  private static Hit hit(String page) {
    Hit hit = fixture.run(PipelineFixture.valid().put("u", "https://example.com/" + page));
    assertThat(hit.dedupKey).as("the pipeline passed %s", page).isNotNull();
    return hit;
  }

  private static Hit pixel(String page) {
    Hit hit = hit(page);
    hit.pixel = true;
    return hit;
  }

  /** Runs on the batcher's event loop (it is touched from there only) and answers the result. */
  private <T> T onLoop(Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  /** Lets the loop finish the turn it is in, so a flush scheduled for the next one has run. */
  private void nextTurn() throws Exception {
    onLoop(() -> null);
  }

  private void settle(int batch, Throwable failure) throws Exception {
    onLoop(() -> failure == null ? queue.outcomes.get(batch).tryComplete() : queue.outcomes.get(batch).tryFail(failure));
  }

  private static <T> T outcome(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static List<String> pages(List<Event> batch) {
    return batch.stream().map(e -> e.pathname()).toList();
  }

  private static double count(String name, String site) {
    var counter = fixture.registry.find(name).tag("site", site).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double queueUnavailable() {
    var counter = fixture.registry.find("trackflow.collector.hits.rejected").tag("site", "example.com")
        .tag("reason", DropReason.QUEUE_UNAVAILABLE.code()).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @DisplayName("Hits submitted in one turn of the loop are deduplicated and published together in one batch, and each submission learns its own accepted and duplicate counts")
  void oneTurnOneBatch() throws Exception {
    HitBatcher batcher = batcher(100, 4, 2000);
    double accepted = count("trackflow.collector.hits.accepted", "example.com");
    double duplicates = count("trackflow.collector.hits.duplicate", "example.com");
    List<Future<HitBatcher.Outcome>> submitted = onLoop(() -> List.of(
        batcher.submit(List.of(hit("one-a"), hit("one-b"))),
        batcher.submit(List.of(hit("one-c"))),
        batcher.submit(List.of(hit("one-a")))));
    nextTurn();
    assertThat(queue.batches).hasSize(1);
    assertThat(pages(queue.batches.get(0))).containsExactly("/one-a", "/one-b", "/one-c");
    assertThat(submitted).noneMatch(Future::isComplete); // until the queue holds them

    settle(0, null);
    assertThat(outcome(submitted.get(0))).isEqualTo(new HitBatcher.Outcome(2, 0));
    assertThat(outcome(submitted.get(1))).isEqualTo(new HitBatcher.Outcome(1, 0));
    assertThat(outcome(submitted.get(2))).isEqualTo(new HitBatcher.Outcome(0, 1));
    assertThat(count("trackflow.collector.hits.accepted", "example.com") - accepted).isEqualTo(3);
    assertThat(count("trackflow.collector.hits.duplicate", "example.com") - duplicates).isEqualTo(1);
  }

  @Test
  @DisplayName("A submission that fills a batch starts it at once, taking whole submissions even past the batch size; what comes after waits for the next turn")
  void fullBatchStartsAtOnce() throws Exception {
    HitBatcher batcher = batcher(2, 4, 2000);
    int startedInTheSameTurn = onLoop(() -> {
      batcher.submit(List.of(hit("full-a")));
      batcher.submit(List.of(hit("full-b"), hit("full-c")));
      int started = queue.batches.size();
      batcher.submit(List.of(hit("full-d")));
      return started;
    });
    assertThat(startedInTheSameTurn).isEqualTo(1);
    assertThat(pages(queue.batches.get(0))).containsExactly("/full-a", "/full-b", "/full-c");
    nextTurn();
    assertThat(queue.batches).hasSize(2);
    assertThat(pages(queue.batches.get(1))).containsExactly("/full-d");
  }

  @Test
  @DisplayName("With the most batches under way, hits of later turns wait and leave together in one batch once a running one finishes")
  void waitingHitsGoTogether() throws Exception {
    HitBatcher batcher = batcher(100, 1, 2000);
    Future<HitBatcher.Outcome> first = onLoop(() -> batcher.submit(List.of(hit("wait-a"))));
    nextTurn();
    Future<HitBatcher.Outcome> second = onLoop(() -> batcher.submit(List.of(hit("wait-b"))));
    nextTurn();
    Future<HitBatcher.Outcome> third = onLoop(() -> batcher.submit(List.of(hit("wait-c"))));
    nextTurn();
    assertThat(queue.batches).as("batches started while one is under way").hasSize(1);

    settle(0, null);
    assertThat(outcome(first)).isEqualTo(new HitBatcher.Outcome(1, 0));
    nextTurn();
    assertThat(queue.batches).hasSize(2);
    assertThat(pages(queue.batches.get(1))).containsExactly("/wait-b", "/wait-c");
    settle(1, null);
    assertThat(outcome(second)).isEqualTo(new HitBatcher.Outcome(1, 0));
    assertThat(outcome(third)).isEqualTo(new HitBatcher.Outcome(1, 0));
  }

  @Test
  @DisplayName("Past the bound of waiting hits a beacon is refused at once with 503 and a pixel hit is lost, each counted, and neither is remembered by dedup")
  void pendingBound() throws Exception {
    HitBatcher batcher = batcher(100, 1, 2);
    onLoop(() -> batcher.submit(List.of(hit("bound-a"))));
    nextTurn(); // under way, held
    double lost = count("trackflow.collector.hits.lost", "example.com");
    double refusedBefore = queueUnavailable();
    Hit refusedHit = hit("bound-d");
    Hit lostHit = pixel("bound-e");
    Future<HitBatcher.Outcome> refused = onLoop(() -> {
      batcher.submit(List.of(hit("bound-b"), hit("bound-c"))); // fills the bound exactly
      Future<HitBatcher.Outcome> over = batcher.submit(List.of(refusedHit));
      batcher.submitPixel(lostHit);
      return over;
    });
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause()).isInstanceOf(QueueUnavailableException.class).hasMessageContaining("2 hits waiting");
    assertThat(queueUnavailable() - refusedBefore).isEqualTo(1);
    assertThat(count("trackflow.collector.hits.lost", "example.com") - lost).isEqualTo(1);
    assertThat(dedup.seen(refusedHit.dedupKey)).isFalse();
    assertThat(dedup.seen(lostHit.dedupKey)).isFalse();

    settle(0, null);
    nextTurn();
    assertThat(pages(queue.batches.get(1))).containsExactly("/bound-b", "/bound-c");
  }

  @Test
  @DisplayName("While the queue is unavailable a beacon is refused at once, before dedup, so the same hit is taken once the queue is back")
  void unavailableQueueRefusesBeforeDedup() throws Exception {
    HitBatcher batcher = batcher(100, 4, 2000);
    queue.healthy = false;
    Future<HitBatcher.Outcome> refused = onLoop(() -> batcher.submit(List.of(hit("down-a"))));
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause()).isInstanceOf(QueueUnavailableException.class);
    nextTurn();
    assertThat(queue.batches).isEmpty();

    queue.healthy = true;
    Future<HitBatcher.Outcome> retried = onLoop(() -> batcher.submit(List.of(hit("down-a"))));
    nextTurn();
    settle(0, null);
    assertThat(outcome(retried)).isEqualTo(new HitBatcher.Outcome(1, 0));
  }

  @Test
  @DisplayName("A beacon whose publish fails gets the failure (503), and its dedup key is forgotten, so the client's retry is published and not dropped as a duplicate")
  void failedPublishForgetsTheKeys() throws Exception {
    HitBatcher batcher = batcher(100, 4, 2000);
    Hit first = hit("fail-a");
    Future<HitBatcher.Outcome> failed = onLoop(() -> batcher.submit(List.of(first)));
    nextTurn();
    assertThat(dedup.seen(first.dedupKey)).isTrue();
    settle(0, new QueueUnavailableException("broker unavailable"));
    assertThat(failed).satisfies(f -> assertThat(catchFailure(f)).isInstanceOf(QueueUnavailableException.class));
    assertThat(dedup.seen(first.dedupKey)).isFalse();

    Future<HitBatcher.Outcome> retried = onLoop(() -> batcher.submit(List.of(hit("fail-a"))));
    nextTurn();
    settle(1, null);
    assertThat(outcome(retried)).isEqualTo(new HitBatcher.Outcome(1, 0));
  }

  private static Throwable catchFailure(Future<?> future) {
    try {
      outcome(future);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      return e;
    }
  }
}

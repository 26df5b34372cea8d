package io.trackflow.collector.pipeline;

import io.trackflow.collector.CollectorMetrics;
import io.trackflow.core.dedup.Deduplicator;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.core.queue.QueueUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The asynchronous part of ingestion, batched per event-loop tick: every hit that passed the
 * pipeline during one turn of the loop goes through dedup → publish together, so a tick of
 * requests costs one dedup call and one publish. Sessions are not the collector's: the writer
 * that owns the visitor's partition keeps them. One batcher per event loop; it is only touched
 * from that loop.
 *
 * <p>At most {@code maxRunning} batches are under way at once; hits arriving meanwhile wait and
 * go together into the next batch once one finishes. So while Redis or the broker is slow the
 * batches grow instead of multiplying: pixels, which are answered before their hit is processed,
 * could otherwise start batches faster than Redis answers them until its replies time out. Past
 * {@code maxPending} waiting hits a submission fails at once ({@link QueueUnavailableException}:
 * beacons get 503, pixel hits count as lost) instead of growing memory.
 *
 * <p>If publishing fails, the batch's keys are forgotten by the deduplicator before the failure
 * is reported, so the client's retry is not dropped as a duplicate.
 */
public final class HitBatcher {

  /** What happened to one submission's hits. */
  public record Outcome(int accepted, int duplicates) {}

  private record Pending(List<Hit> hits, Promise<Outcome> promise) {}

  private final Context context;
  private final Deduplicator dedup;
  private final EventPublisher publisher;
  private final CollectorMetrics metrics;
  private final InFlight inFlight;
  private final int maxBatch;
  private final int maxRunning;
  private final int maxPending;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private int pendingHits;
  private int running;
  private boolean scheduled;

  /** A batcher with at most 4 batches under way and 20 batches' worth of hits waiting. */
  public HitBatcher(Context context, Deduplicator dedup, EventPublisher publisher,
      CollectorMetrics metrics, InFlight inFlight, int maxBatch) {
    this(context, dedup, publisher, metrics, inFlight, maxBatch, 4, 20 * maxBatch);
  }

  public HitBatcher(Context context, Deduplicator dedup, EventPublisher publisher,
      CollectorMetrics metrics, InFlight inFlight, int maxBatch, int maxRunning, int maxPending) {
    this.context = context;
    this.dedup = dedup;
    this.publisher = publisher;
    this.metrics = metrics;
    this.inFlight = inFlight;
    this.maxBatch = maxBatch;
    this.maxRunning = maxRunning;
    this.maxPending = maxPending;
  }

  /** Queues hits for this tick's batch; the future completes once they are published or dropped. */
  public Future<Outcome> submit(List<Hit> hits) {
    if (pendingHits + hits.size() > maxPending) {
      metrics.queueError();
      return Future.failedFuture(new QueueUnavailableException(
          "the collector has " + pendingHits + " hits waiting for the queue"));
    }
    Promise<Outcome> promise = Promise.promise();
    pending.add(new Pending(hits, promise));
    pendingHits += hits.size();
    // Tracked per submission, not per batch: a stop must also wait for hits still waiting.
    inFlight.track(promise.future());
    if (pendingHits >= maxBatch && running < maxRunning) {
      flush();
    } else if (!scheduled) {
      scheduled = true;
      // Runs after the loop has handled the requests already read in this turn.
      context.runOnContext(v -> {
        scheduled = false;
        flush();
      });
    }
    return promise.future();
  }

  /** Starts a batch of what is waiting (whole submissions, about maxBatch hits) if a slot is free. */
  private void flush() {
    if (pending.isEmpty() || running >= maxRunning) {
      return; // a finishing batch flushes again
    }
    List<Pending> batch = new ArrayList<>(Math.min(pending.size(), maxBatch));
    List<Hit> hits = new ArrayList<>(Math.min(pendingHits, maxBatch));
    while (!pending.isEmpty() && hits.size() < maxBatch) {
      Pending p = pending.pollFirst();
      batch.add(p);
      hits.addAll(p.hits());
    }
    pendingHits -= hits.size();
    running++;
    Future<Void> done = process(hits);
    done.onComplete(ar -> {
      running--;
      // Metrics first: a client reading its response must already see them counted.
      if (ar.succeeded()) {
        int duplicates = (int) hits.stream().filter(h -> h.duplicate).count();
        metrics.accepted(hits.size() - duplicates);
        metrics.duplicates(duplicates);
      } else {
        metrics.queueError();
      }
      for (Pending p : batch) {
        if (ar.failed()) {
          p.promise().fail(ar.cause());
          continue;
        }
        int duplicates = 0;
        for (Hit h : p.hits()) {
          if (h.duplicate) {
            duplicates++;
          }
        }
        p.promise().complete(new Outcome(p.hits().size() - duplicates, duplicates));
      }
      flush();
    });
  }

  private Future<Void> process(List<Hit> hits) {
    List<String> keys = new ArrayList<>(hits.size());
    hits.forEach(h -> keys.add(h.dedupKey));
    return dedup.firstSeen(keys).compose(firsts -> {
      List<Hit> fresh = new ArrayList<>(hits.size());
      List<String> freshKeys = new ArrayList<>(hits.size());
      for (int i = 0; i < hits.size(); i++) {
        Hit h = hits.get(i);
        if (firsts.get(i)) {
          fresh.add(h);
          freshKeys.add(h.dedupKey);
        } else {
          h.duplicate = true;
        }
      }
      if (fresh.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      return publish(fresh)
          .recover(e -> dedup.forget(freshKeys).transform(x -> Future.<Void>failedFuture(e)));
    });
  }

  private Future<Void> publish(List<Hit> fresh) {
    List<Event> events = new ArrayList<>(fresh.size());
    for (Hit h : fresh) {
      events.add(h.event.build());
    }
    long start = System.nanoTime();
    Future<Void> published;
    try {
      published = publisher.publish(events);
    } catch (RuntimeException e) {
      published = Future.failedFuture(e);
    }
    return published
        .andThen(ar -> metrics.publishLatency().record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
  }
}

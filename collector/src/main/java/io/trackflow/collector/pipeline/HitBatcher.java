package io.trackflow.collector.pipeline;

import io.trackflow.collector.CollectorMetrics;
import io.trackflow.core.dedup.Deduplicator;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.core.queue.QueueUnavailableException;
import io.trackflow.core.queue.spool.EventSpool;
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
 * {@code maxPending} waiting hits a submission is refused at once (beacons get 503, pixel hits
 * count as lost) instead of growing memory.
 *
 * <p>Failing fast. While the publisher reports the queue unavailable ({@link
 * EventPublisher#healthy()}), a beacon is refused at once (503), before dedup, and nothing of it
 * is queued. A batch whose publish is still outstanding when the queue becomes unavailable
 * releases its beacons with 503 within {@value #RELEASE_CHECK_MILLIS} ms, keeping their dedup keys
 * until the producer's verdict: delivered, they are accepted; failed, they go to the spool. Either
 * way they are stored once, and the client's retry is answered as a duplicate.
 *
 * <p>The spool (cluster only; null with the in-process queue). Pixel hits the queue cannot take —
 * the queue unavailable, or their publish failed — are appended to it after dedup, and replayed
 * later ({@link SpoolReplay}); while it holds hits, new pixel hits queue behind them in it, so
 * they reach the queue in the order they came. A hit the spool refuses (full) is lost and counted.
 *
 * <p>A beacon whose publish failed while its client still waits has its dedup key forgotten
 * before the 503, so the client's retry is not dropped as a duplicate. Every hit is counted once
 * by its fate ({@link CollectorMetrics}).
 */
public final class HitBatcher {

  /** How often outstanding publishes are checked against the queue's state. */
  static final long RELEASE_CHECK_MILLIS = 100;

  /** What happened to one submission's hits. */
  public record Outcome(int accepted, int duplicates) {}

  private record Pending(List<Hit> hits, Promise<Outcome> promise) {}

  /** One batch under way: its submissions and whether its beacons were answered already. */
  private static final class Batch {
    final List<Pending> submissions;
    final List<Hit> hits;
    boolean publishing;
    boolean released;

    Batch(List<Pending> submissions, List<Hit> hits) {
      this.submissions = submissions;
      this.hits = hits;
    }
  }

  private final Context context;
  private final Deduplicator dedup;
  private final EventPublisher publisher;
  private final EventSpool spool;
  private final CollectorMetrics metrics;
  private final InFlight inFlight;
  private final int maxBatch;
  private final int maxRunning;
  private final int maxPending;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final List<Batch> running = new ArrayList<>();
  private int pendingHits;
  private boolean scheduled;
  private boolean watching;

  /** A batcher with at most 4 batches under way and 20 batches' worth of hits waiting. */
  public HitBatcher(Context context, Deduplicator dedup, EventPublisher publisher, EventSpool spool,
      CollectorMetrics metrics, InFlight inFlight, int maxBatch) {
    this(context, dedup, publisher, spool, metrics, inFlight, maxBatch, 4, 20 * maxBatch);
  }

  public HitBatcher(Context context, Deduplicator dedup, EventPublisher publisher, EventSpool spool,
      CollectorMetrics metrics, InFlight inFlight, int maxBatch, int maxRunning, int maxPending) {
    this.context = context;
    this.dedup = dedup;
    this.publisher = publisher;
    this.spool = spool;
    this.metrics = metrics;
    this.inFlight = inFlight;
    this.maxBatch = maxBatch;
    this.maxRunning = maxRunning;
    this.maxPending = maxPending;
  }

  /**
   * Queues a beacon's hits for this tick's batch; the future completes once they are published
   * (or dropped as duplicates), and fails with {@link QueueUnavailableException} (503) when the
   * queue cannot take them — at once while it is known unavailable.
   */
  public Future<Outcome> submit(List<Hit> hits) {
    if (!publisher.healthy()) {
      return refuse(hits, "the event queue is unavailable");
    }
    if (pendingHits + hits.size() > maxPending) {
      return refuse(hits, "the collector has " + pendingHits + " hits waiting for the queue");
    }
    return enqueue(hits);
  }

  /** Queues a pixel hit; its client has its GIF already, so its fate only shows in metrics. */
  public void submitPixel(Hit hit) {
    if (pendingHits + 1 > maxPending) {
      metrics.queueError();
      metrics.lost(hit.site);
      return;
    }
    enqueue(List.of(hit));
  }

  private Future<Outcome> refuse(List<Hit> hits, String why) {
    metrics.queueError();
    hits.forEach(h -> metrics.dropped(DropReason.QUEUE_UNAVAILABLE, h.site));
    return Future.failedFuture(new QueueUnavailableException(why));
  }

  private Future<Outcome> enqueue(List<Hit> hits) {
    Promise<Outcome> promise = Promise.promise();
    pending.add(new Pending(hits, promise));
    pendingHits += hits.size();
    // Tracked per submission, not per batch: a stop must also wait for hits still waiting.
    inFlight.track(promise.future());
    if (pendingHits >= maxBatch && running.size() < maxRunning) {
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
    if (pending.isEmpty() || running.size() >= maxRunning) {
      return; // a finishing batch flushes again
    }
    List<Pending> submissions = new ArrayList<>(Math.min(pending.size(), maxBatch));
    List<Hit> hits = new ArrayList<>(Math.min(pendingHits, maxBatch));
    while (!pending.isEmpty() && hits.size() < maxBatch) {
      Pending p = pending.pollFirst();
      submissions.add(p);
      hits.addAll(p.hits());
    }
    pendingHits -= hits.size();
    Batch batch = new Batch(submissions, hits);
    running.add(batch);
    // The batch itself too: released beacons complete their submissions before it ends.
    Future<Void> done = process(batch);
    inFlight.track(done);
    done.onComplete(ar -> {
      running.remove(batch);
      for (Pending p : submissions) {
        if (p.promise().future().isComplete()) {
          continue; // released with 503 while the batch was publishing
        }
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

  /**
   * Dedup, then publish or spool. Fails only when beacons whose clients still wait could not be
   * published (they get 503); every hit's fate is counted here.
   */
  private Future<Void> process(Batch batch) {
    List<String> keys = new ArrayList<>(batch.hits.size());
    batch.hits.forEach(h -> keys.add(h.dedupKey));
    return dedup.firstSeen(keys).recover(e -> {
      // No fate decided yet: the beacons are refused, the pixel hits lost.
      metrics.queueError();
      for (Hit h : batch.hits) {
        if (h.pixel) {
          metrics.lost(h.site);
        } else {
          metrics.dropped(DropReason.QUEUE_UNAVAILABLE, h.site);
        }
      }
      return Future.failedFuture(new QueueUnavailableException("dedup failed: " + e.getMessage(), e));
    }).compose(firsts -> {
      List<Hit> toPublish = new ArrayList<>(batch.hits.size());
      List<Hit> toSpool = new ArrayList<>();
      boolean spoolPixels = spool != null && (spool.holding() || !publisher.healthy());
      for (int i = 0; i < batch.hits.size(); i++) {
        Hit h = batch.hits.get(i);
        if (!firsts.get(i)) {
          h.duplicate = true;
          metrics.duplicate(h.site);
        } else {
          (h.pixel && spoolPixels ? toSpool : toPublish).add(h);
        }
      }
      return Future.join(spool(toSpool), publish(batch, toPublish)).mapEmpty();
    });
  }

  private Future<Void> publish(Batch batch, List<Hit> hits) {
    if (hits.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Event> events = new ArrayList<>(hits.size());
    hits.forEach(h -> events.add(h.built()));
    long start = System.nanoTime();
    Future<Void> published;
    try {
      published = publisher.publish(events);
    } catch (RuntimeException e) {
      published = Future.failedFuture(e);
    }
    if (!published.isComplete()) {
      batch.publishing = true;
      watch();
    }
    return published.transform(ar -> {
      batch.publishing = false;
      metrics.publishLatency().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      if (ar.succeeded()) {
        hits.forEach(h -> metrics.accepted(h.site));
        return Future.succeededFuture();
      }
      metrics.queueError();
      // Hits whose client no longer waits for an answer go to the spool: pixel hits, and beacons
      // already released with 503 (their dedup keys were kept, so a retry is a duplicate).
      List<Hit> keep = new ArrayList<>(hits.size());
      List<Hit> refused = new ArrayList<>();
      for (Hit h : hits) {
        (h.pixel || batch.released ? keep : refused).add(h);
      }
      refused.forEach(h -> metrics.dropped(DropReason.QUEUE_UNAVAILABLE, h.site));
      return Future.join(spool(keep), forget(refused)).transform(x -> refused.isEmpty()
          ? Future.<Void>succeededFuture()
          : Future.<Void>failedFuture(ar.cause()));
    });
  }

  /**
   * Appends hits to the spool; those it cannot take (or all, without a spool) are lost, and their
   * dedup keys forgotten so a beacon's retry is taken. Never fails.
   */
  private Future<Void> spool(List<Hit> hits) {
    if (hits.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Boolean> stored;
    if (spool == null) {
      stored = Future.succeededFuture(false);
    } else {
      List<Event> events = new ArrayList<>(hits.size());
      hits.forEach(h -> events.add(h.built()));
      stored = spool.append(events).otherwise(false);
    }
    return stored.compose(ok -> {
      if (ok) {
        return Future.succeededFuture(); // counted by the spool, and as accepted once replayed
      }
      hits.forEach(h -> metrics.lost(h.site));
      return forget(hits);
    });
  }

  private Future<Void> forget(List<Hit> hits) {
    if (hits.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> keys = new ArrayList<>(hits.size());
    hits.forEach(h -> keys.add(h.dedupKey));
    return dedup.forget(keys).otherwiseEmpty();
  }

  /**
   * While publishes are outstanding, checks every {@value #RELEASE_CHECK_MILLIS} ms whether the
   * queue became unavailable; if so their waiting beacons are answered 503 now.
   */
  private void watch() {
    if (watching) {
      return;
    }
    watching = true;
    context.owner().setTimer(RELEASE_CHECK_MILLIS, id -> {
      watching = false;
      boolean waiting = false;
      for (Batch batch : running) {
        if (!batch.publishing || batch.released) {
          continue;
        }
        if (publisher.healthy()) {
          waiting = true;
        } else {
          release(batch);
        }
      }
      if (waiting) {
        watch();
      }
    });
  }

  private void release(Batch batch) {
    batch.released = true;
    metrics.queueError();
    for (Pending p : batch.submissions) {
      boolean beacon = p.hits().stream().noneMatch(h -> h.pixel);
      if (beacon) {
        p.promise().tryFail(new QueueUnavailableException("the event queue became unavailable"));
      }
    }
  }
}

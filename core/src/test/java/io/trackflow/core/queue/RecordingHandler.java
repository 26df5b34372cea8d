package io.trackflow.core.queue;

import io.trackflow.core.event.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A delivery handler for queue tests: records every delivery and what was acknowledged, answers
 * as the current behaviour says (succeed, fail, hold), and lets a test wait for what it expects
 * without polling.
 */
public final class RecordingHandler implements DeliveryHandler {

  private final List<List<Event>> deliveries = new ArrayList<>();
  private final Set<Long> stored = new HashSet<>();
  private final List<Promise<Void>> held = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private Function<List<Event>, Future<Void>> behaviour = events -> Future.succeededFuture();
  private int outstanding;

  private record Waiter(Predicate<RecordingHandler> condition, CompletableFuture<Void> done) {}

  /** Every delivery succeeds at once (the default). */
  public synchronized RecordingHandler succeed() {
    behaviour = events -> Future.succeededFuture();
    return this;
  }

  /** Answers each delivery with {@code behaviour}'s future. */
  public synchronized RecordingHandler answer(Function<List<Event>, Future<Void>> behaviour) {
    this.behaviour = behaviour;
    return this;
  }

  /** Deliveries are held open until {@link #releaseHeld()}. */
  public synchronized RecordingHandler hold() {
    behaviour = events -> {
      Promise<Void> promise = Promise.promise();
      synchronized (this) {
        held.add(promise);
      }
      return promise.future();
    };
    return this;
  }

  /** Succeeds every held delivery, oldest first. */
  public void releaseHeld() {
    List<Promise<Void>> toRelease;
    synchronized (this) {
      toRelease = new ArrayList<>(held);
      held.clear();
    }
    toRelease.forEach(Promise::complete);
  }

  @Override
  public Future<Void> handle(List<Event> events) {
    Future<Void> answer;
    synchronized (this) {
      deliveries.add(List.copyOf(events));
      outstanding++;
      answer = behaviour.apply(events);
    }
    signal();
    return answer.andThen(ar -> {
      synchronized (this) {
        outstanding--;
        if (ar.succeeded()) {
          events.forEach(e -> stored.add(e.eventId()));
        }
      }
      signal();
    });
  }

  /** Deliveries handed over and not answered yet. */
  public synchronized int outstanding() {
    return outstanding;
  }

  public synchronized List<List<Event>> deliveries() {
    return List.copyOf(deliveries);
  }

  /** Every event received, in delivery order, repeats included. */
  public synchronized List<Event> received() {
    return deliveries.stream().flatMap(List::stream).toList();
  }

  public synchronized Set<Long> receivedIds() {
    Set<Long> ids = new HashSet<>();
    deliveries.forEach(d -> d.forEach(e -> ids.add(e.eventId())));
    return ids;
  }

  /** Ids of events whose delivery was acknowledged (its future succeeded). */
  public synchronized Set<Long> storedIds() {
    return Set.copyOf(stored);
  }

  public synchronized int heldCount() {
    return held.size();
  }

  /** Waits until every id was acknowledged. */
  public void awaitStored(Collection<Long> ids) {
    await("all " + ids.size() + " events acknowledged", h -> h.stored.containsAll(ids));
  }

  /** Waits until every id was received at least once. */
  public void awaitReceived(Collection<Long> ids) {
    await("all " + ids.size() + " events received", h -> {
      Set<Long> seen = new HashSet<>();
      h.deliveries.forEach(d -> d.forEach(e -> seen.add(e.eventId())));
      return seen.containsAll(ids);
    });
  }

  /** Waits until {@code condition} holds; it is evaluated under this handler's lock. */
  public void await(String what, Predicate<RecordingHandler> condition) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (this) {
      if (condition.test(this)) {
        return;
      }
      waiters.add(new Waiter(condition, done));
    }
    try {
      done.get(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("never happened within " + Await.SAFETY_NET.toSeconds() + " s: " + what
          + " (deliveries " + deliveries().size() + ", stored " + storedIds().size() + ")");
    } catch (Exception e) {
      throw new AssertionError("waiting for " + what + " failed", e);
    }
  }

  private void signal() {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (this) {
      waiters.removeIf(w -> {
        if (w.condition().test(this)) {
          ready.add(w.done());
          return true;
        }
        return false;
      });
    }
    ready.forEach(f -> f.complete(null));
  }
}

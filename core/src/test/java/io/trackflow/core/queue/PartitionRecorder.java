package io.trackflow.core.queue;

import io.trackflow.core.event.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A delivery handler for tests of partition ownership: records every delivery with its partition
 * and positions, every assignment and revocation, and whether a delivery arrived while its
 * partition was not (or no longer) ready. Assignments can be held open; deliveries answered as
 * the current behaviour says.
 */
public final class PartitionRecorder implements DeliveryHandler {

  /** One delivery as handed over; {@code early} when its partition was not ready then. */
  public record Received(int partition, List<Event> events, long[] positions, boolean early) {}

  private final List<Received> received = new ArrayList<>();
  private final List<PartitionAssignment> assignments = new ArrayList<>();
  private final List<Set<Integer>> revocations = new ArrayList<>();
  private final Set<Integer> ready = new HashSet<>();
  private final Set<Long> stored = new HashSet<>();
  private Promise<Void> heldAssignment;
  private boolean holdAssignments;
  private Function<Delivery, Future<Void>> behaviour = d -> Future.succeededFuture();

  /** The next assignments stay unanswered until {@link #releaseAssignment()}. */
  public synchronized PartitionRecorder holdAssignments() {
    holdAssignments = true;
    return this;
  }

  public synchronized PartitionRecorder answer(Function<Delivery, Future<Void>> behaviour) {
    this.behaviour = behaviour;
    return this;
  }

  /** Answers the held assignment; later ones are answered at once. */
  public void releaseAssignment() {
    Promise<Void> held;
    synchronized (this) {
      holdAssignments = false;
      held = heldAssignment;
      heldAssignment = null;
    }
    if (held != null) {
      held.complete();
    }
  }

  @Override
  public Future<Void> handle(List<Event> events) {
    return Future.failedFuture(new IllegalStateException("consumers must hand over deliveries with partitions"));
  }

  @Override
  public Future<Void> handle(Delivery delivery) {
    Future<Void> answer;
    synchronized (this) {
      received.add(new Received(delivery.partition(), List.copyOf(delivery.events()), delivery.positions().clone(),
          !ready.contains(delivery.partition())));
      answer = behaviour.apply(delivery);
    }
    return answer.andThen(ar -> {
      if (ar.succeeded()) {
        synchronized (this) {
          delivery.events().forEach(e -> stored.add(e.eventId()));
        }
      }
    });
  }

  @Override
  public synchronized Future<Void> assigned(PartitionAssignment assignment) {
    assignments.add(assignment);
    if (!holdAssignments) {
      ready.addAll(assignment.partitions());
      return Future.succeededFuture();
    }
    heldAssignment = Promise.promise();
    return heldAssignment.future().andThen(ar -> {
      synchronized (this) {
        ready.addAll(assignment.partitions());
      }
    });
  }

  @Override
  public synchronized Future<Void> revoked(Set<Integer> partitions) {
    revocations.add(Set.copyOf(partitions));
    ready.removeAll(partitions);
    return Future.succeededFuture();
  }

  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  public synchronized List<PartitionAssignment> assignments() {
    return List.copyOf(assignments);
  }

  public synchronized List<Set<Integer>> revocations() {
    return List.copyOf(revocations);
  }

  public synchronized Set<Long> storedIds() {
    return Set.copyOf(stored);
  }

  /** The position each event id had when it was first delivered. */
  public synchronized Map<Long, Long> firstPositions() {
    Map<Long, Long> positions = new HashMap<>();
    for (Received r : received) {
      for (int i = 0; i < r.events().size(); i++) {
        positions.putIfAbsent(r.events().get(i).eventId(), r.positions()[i]);
      }
    }
    return positions;
  }

  /** Waits until every id was stored. */
  public void awaitStored(List<Long> ids) {
    Await.until("all " + ids.size() + " events stored", () -> storedIds().containsAll(ids),
        () -> storedIds().size() + " stored");
  }
}

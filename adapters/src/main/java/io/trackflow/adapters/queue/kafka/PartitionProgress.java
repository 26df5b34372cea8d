package io.trackflow.adapters.queue.kafka;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * What one assigned partition has handed out and what of it is stored: deliveries in offset order,
 * the offset that may be committed (one past the highest offset whose delivery and every earlier
 * one succeeded), and where to seek after a failure. A new instance is made per assignment, so a
 * delivery of a revoked partition can never move the offsets of a later owner. Not thread-safe:
 * the consumer guards it with its lock.
 */
final class PartitionProgress {

  enum State { IN_FLIGHT, DONE, DISCARDED }

  /** Records {@code first..last} of the partition, decoded into {@code events} events. */
  static final class Delivery {
    final PartitionProgress owner;
    final long first;
    final long last;
    final int events;
    State state = State.IN_FLIGHT;

    private Delivery(PartitionProgress owner, long first, long last, int events) {
      this.owner = owner;
      this.first = first;
      this.last = last;
      this.events = events;
    }
  }

  private final ArrayDeque<Delivery> pending = new ArrayDeque<>();
  // The handler finished preparing for the partition: its deliveries may be handed out.
  private boolean ready;
  private long committable = -1;
  private long commitSent = -1;
  private long committed = -1;
  private long seekTo = -1;

  /** Registers a delivery of records {@code first..last}; they follow every earlier one. */
  Delivery add(long first, long last, int events) {
    Delivery delivery = new Delivery(this, first, last, events);
    pending.addLast(delivery);
    return delivery;
  }

  /** Marks a delivery stored; returns false when it no longer counts (discarded earlier). */
  boolean succeed(Delivery delivery) {
    if (delivery.state != State.IN_FLIGHT) {
      return false;
    }
    delivery.state = State.DONE;
    while (!pending.isEmpty() && pending.peekFirst().state == State.DONE) {
      committable = pending.pollFirst().last + 1;
    }
    return true;
  }

  /**
   * Marks a delivery failed: it and every later delivery of the partition are discarded (their
   * events will be fetched again from the failed delivery's first offset). Returns the events of
   * the discarded deliveries that were still in flight, including the failed one.
   */
  int fail(Delivery delivery) {
    if (delivery.state != State.IN_FLIGHT) {
      return 0;
    }
    int released = 0;
    boolean from = false;
    for (Iterator<Delivery> it = pending.iterator(); it.hasNext(); ) {
      Delivery d = it.next();
      from |= d == delivery;
      if (from) {
        if (d.state == State.IN_FLIGHT) {
          released += d.events;
        }
        d.state = State.DISCARDED;
        it.remove();
      }
    }
    seekTo = seekTo < 0 ? delivery.first : Math.min(seekTo, delivery.first);
    return released;
  }

  /** Discards every delivery (partition revoked or consumer closing); returns their in-flight events. */
  int discardAll() {
    int released = 0;
    for (Delivery d : pending) {
      if (d.state == State.IN_FLIGHT) {
        released += d.events;
      }
      d.state = State.DISCARDED;
    }
    pending.clear();
    return released;
  }

  boolean ready() {
    return ready;
  }

  void markReady() {
    ready = true;
  }

  /** Records from {@code offset} on were fetched too early: read them again from there. */
  void readAgainFrom(long offset) {
    seekTo = seekTo < 0 ? offset : Math.min(seekTo, offset);
  }

  /** True while a failure waits for the consumer to seek back; fetched records are dropped meanwhile. */
  boolean awaitingSeek() {
    return seekTo >= 0;
  }

  /** The offset to seek back to after a failure, once; -1 when none. */
  long takeSeek() {
    long offset = seekTo;
    seekTo = -1;
    return offset;
  }

  /** The offset to commit now, or -1 when nothing new is committable; marks it as sent. */
  long takeCommit() {
    if (committable <= commitSent) {
      return -1;
    }
    commitSent = committable;
    return committable;
  }

  /** The offset that is committable but not confirmed yet (for a final synchronous commit), or -1. */
  long uncommitted() {
    return committable > committed ? committable : -1;
  }

  /** A commit of {@code offset} was confirmed or failed. */
  void commitResult(long offset, boolean ok) {
    if (ok) {
      committed = Math.max(committed, offset);
    } else if (commitSent == offset) {
      // Try again with the next commit round.
      commitSent = committed;
    }
  }

  long committable() {
    return committable;
  }

  int pendingDeliveries() {
    return pending.size();
  }
}

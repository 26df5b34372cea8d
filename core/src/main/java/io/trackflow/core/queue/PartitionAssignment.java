package io.trackflow.core.queue;

import java.util.Set;
import java.util.function.LongToIntFunction;

/**
 * Partitions a consumer was just given, and how the publisher maps visitors onto partitions, so
 * the new owner can tell which visitors are now its own.
 *
 * @param partitions the partitions newly assigned
 * @param partitionCount how many partitions the queue has now
 * @param partitionOfVisitor the partition a visitor's events are published to
 */
public record PartitionAssignment(Set<Integer> partitions, int partitionCount,
    LongToIntFunction partitionOfVisitor) {

  public PartitionAssignment {
    partitions = Set.copyOf(partitions);
  }

  /** The partition of a visitor's events. */
  public int partitionOf(long visitorId) {
    return partitionOfVisitor.applyAsInt(visitorId);
  }
}

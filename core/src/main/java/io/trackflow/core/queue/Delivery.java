package io.trackflow.core.queue;

import io.trackflow.core.event.Event;
import java.util.List;

/**
 * Events of one queue partition handed to the writer together, in queue order, each with its
 * position in the partition: positions grow along the partition and identify an event again when
 * it is delivered again (a replay after a crash, a failed delivery read again).
 *
 * @param partition the partition the events were read from
 * @param events the events, in queue order
 * @param positions {@code positions[i]} is the position of {@code events.get(i)}
 */
public record Delivery(int partition, List<Event> events, long[] positions) {

  public Delivery {
    if (events.size() != positions.length) {
      throw new IllegalArgumentException(events.size() + " events but " + positions.length + " positions");
    }
  }

  public long position(int index) {
    return positions[index];
  }
}

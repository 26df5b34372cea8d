package io.trackflow.adapters.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.Event;
import io.trackflow.core.event.EventCodec;
import io.trackflow.core.queue.QueueEvents;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.LongSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The publisher's records: one per partition, each visitor in the partition Kafka would pick for its key")
class KafkaRecordLayoutTest {

  @Test
  @DisplayName("A visitor's partition is the one Kafka's default partitioner picks for the visitor id as a Long key")
  void partitionMatchesKafkasKeyedPartitioning() {
    SplittableRandom random = new SplittableRandom(7);
    LongSerializer serializer = new LongSerializer();
    for (int partitions : new int[] {1, 6, 7, 32}) {
      for (int i = 0; i < 10_000; i++) {
        long visitor = random.nextLong();
        int expected = BuiltInPartitioner.partitionForKey(serializer.serialize("t", visitor), partitions);
        assertThat(KafkaEventPublisher.partitionOf(visitor, partitions)).isEqualTo(expected);
      }
    }
  }

  @Test
  @DisplayName("A batch of many visitors becomes at most one record per partition, and decoding gives every event back in each visitor's order")
  void oneRecordPerPartition() {
    QueueEvents generator = new QueueEvents(1);
    List<Event> events = new ArrayList<>();
    for (int seq = 0; seq < 3; seq++) {
      for (long visitor = 0; visitor < 300; visitor++) {
        events.add(generator.event(visitor * 0x9E3779B97F4A7C15L, seq));
      }
    }

    List<KafkaProducerRecord<Long, Buffer>> records = KafkaEventPublisher.toRecords("t", 6, events);

    assertThat(records).hasSizeLessThanOrEqualTo(6);
    Map<Long, List<Long>> decodedByVisitor = new LinkedHashMap<>();
    int decoded = 0;
    for (KafkaProducerRecord<Long, Buffer> record : records) {
      assertThat(record.key()).isNull();
      for (Event e : EventCodec.decode(record.value())) {
        assertThat(record.partition()).isEqualTo(KafkaEventPublisher.partitionOf(e.visitorId(), 6));
        decodedByVisitor.computeIfAbsent(e.visitorId(), v -> new ArrayList<>()).add(e.eventId());
        decoded++;
      }
    }
    assertThat(decoded).isEqualTo(events.size());
    Map<Long, List<Long>> publishedByVisitor = new LinkedHashMap<>();
    events.forEach(e -> publishedByVisitor.computeIfAbsent(e.visitorId(), v -> new ArrayList<>()).add(e.eventId()));
    assertThat(decodedByVisitor).isEqualTo(publishedByVisitor);
  }

  @Test
  @DisplayName("A partition with more events than one record may hold is split into records that keep the order")
  void largePartitionsAreSplitInOrder() {
    List<Event> events = new QueueEvents(1).forVisitors(1, 2 * KafkaEventPublisher.MAX_EVENTS_PER_RECORD + 1);

    List<KafkaProducerRecord<Long, Buffer>> records = KafkaEventPublisher.toRecords("t", 6, events);

    assertThat(records).hasSize(3);
    List<Long> ids = new ArrayList<>();
    records.forEach(r -> EventCodec.decode(r.value()).forEach(e -> ids.add(e.eventId())));
    assertThat(ids).isEqualTo(events.stream().map(Event::eventId).toList());
  }
}

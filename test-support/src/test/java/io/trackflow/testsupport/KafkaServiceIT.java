package io.trackflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({VertxExtension.class, RealServices.class})
class KafkaServiceIT {

  @Test
  @DisplayName("A record produced through vertx-kafka-client to a fresh topic on the real broker is consumed back with its key and value")
  void producesAndConsumesARecord(KafkaService kafka, Vertx vertx, VertxTestContext context) {
    String topic = kafka.newTopic(2);
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, Map.of(
        "bootstrap.servers", kafka.bootstrapServers(),
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "acks", "all"));
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, Map.of(
        "bootstrap.servers", kafka.bootstrapServers(),
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "group.id", TestNames.unique("group"),
        "auto.offset.reset", "earliest",
        "enable.auto.commit", "false"));

    // One chain, so the test completes only after both the send's metadata and the consumed
    // record were checked, whichever of the two arrives first.
    Promise<KafkaConsumerRecord<String, String>> received = Promise.promise();
    consumer.handler(received::tryComplete);
    consumer.subscribe(topic)
        .compose(subscribed -> producer.send(KafkaProducerRecord.create(topic, "site-1", "{\"path\":\"/pricing\"}")))
        .compose(metadata -> {
          assertThat(metadata.getTopic()).isEqualTo(topic);
          return received.future();
        })
        .compose(record -> {
          assertThat(record.topic()).isEqualTo(topic);
          assertThat(record.key()).isEqualTo("site-1");
          assertThat(record.value()).isEqualTo("{\"path\":\"/pricing\"}");
          return Future.join(consumer.close(), producer.close());
        })
        .onComplete(context.succeedingThenComplete());
  }

  @Test
  @DisplayName("createTopic makes a topic with the requested number of partitions, each with a leader")
  void createsTopicWithPartitions(KafkaService kafka, Vertx vertx, VertxTestContext context) {
    String topic = TestNames.unique("topic");
    kafka.createTopic(topic, 3);
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, Map.of(
        "bootstrap.servers", kafka.bootstrapServers(),
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer"));

    producer.partitionsFor(topic)
        .onComplete(context.succeeding(partitions -> context.verify(() -> {
          assertThat(partitions).hasSize(3);
          assertThat(partitions).allSatisfy(p -> assertThat(p.getLeader()).isNotNull());
          producer.close().onComplete(closed -> context.completeNow());
        })));
  }
}

package io.trackflow.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.dedup.redis.RedisDeduplicator;
import io.trackflow.adapters.queue.kafka.KafkaEventPublisher;
import io.trackflow.adapters.queue.kafka.KafkaQueueOptions;
import io.trackflow.adapters.session.redis.RedisClients;
import io.trackflow.adapters.session.redis.RedisSaltStore;
import io.trackflow.collector.TestEnrichers;
import io.trackflow.core.config.Setting;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.EventCodec;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.testsupport.KafkaService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.RedisService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The collector's cluster configuration end to end: two collectors sharing a real Redis (dedup,
 * salts) publish to a real Kafka topic.
 */
@ExtendWith(RealServices.class)
class CollectorKafkaRedisIT {

  static final List<String> BROWSERS = List.of(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
  static final List<String> BOTS = List.of(
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
      "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
      "curl/8.5.0",
      "python-requests/2.31.0");
  /** Public /24 networks, so every visitor has a country. */
  static final List<String> NETWORKS = List.of("8.8.4.", "81.2.69.", "194.25.2.", "133.11.0.");

  private final KafkaService kafka;
  private final RedisService redis;

  CollectorKafkaRedisIT(KafkaService kafka, RedisService redis) {
    this.kafka = kafka;
    this.redis = redis;
  }

  private CollectorServer collector(String topic, String prefix) throws Exception {
    KafkaQueueOptions options = KafkaQueueOptions.of(kafka.bootstrapServers(), topic, "unused").withPartitions(3);
    return new CollectorServer(TestEnrichers.get(), vertx -> new CollectorServer.Ports(
        KafkaEventPublisher.create(vertx, options).<EventPublisher>map(p -> p),
        new RedisDeduplicator(RedisClients.create(vertx, redis.uri()), true, prefix + "dedup:",
            Duration.ofHours(1), 10_000, Duration.ofSeconds(2), Clock.systemUTC(), new SimpleMeterRegistry()),
        new RedisSaltStore(RedisClients.create(vertx, redis.uri()), true, prefix, Duration.ofSeconds(2))),
        Map.of(Setting.TRUSTED_PROXIES, "127.0.0.1"));
  }

  /** One beacon request carrying one event, from the visitor the IP and user agent make. */
  private record Hit(String id, String ip, String ua, int path) {
    JsonObject body() {
      return new JsonObject().put("n", path % 7 == 0 ? "Signup" : "pageview")
          .put("u", "https://example.com/page/" + path + "?utm_source=it")
          .put("d", "example.com").put("r", "https://news.ycombinator.com/").put("w", 1280)
          .put("id", id);
    }
  }

  private static Future<HttpResponse<Buffer>> send(WebClient client, Hit hit) {
    return client.post("/api/event").putHeader("Content-Type", "text/plain")
        .putHeader("User-Agent", hit.ua()).putHeader("X-Forwarded-For", hit.ip())
        .sendBuffer(Buffer.buffer(hit.body().encode()));
  }

  @Test
  @DisplayName("1,000 beacon hits with 50 repeated ids and 20 bot user agents through Redis and Kafka land as exactly 930 enriched records")
  void exactlyOnceEnrichedOnTheTopic() throws Exception {
    String topic = kafka.newTopic(3);
    String prefix = redis.newKeyPrefix();
    List<Hit> unique = new ArrayList<>();
    for (int i = 0; i < 930; i++) {
      unique.add(new Hit("evt-" + i, NETWORKS.get(i % 4) + (1 + i / 4), BROWSERS.get(i % 5), i));
    }
    List<Hit> repeats = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      repeats.add(unique.get(i * 17)); // a retry: same id, same visitor
    }
    List<Hit> bots = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      bots.add(new Hit("bot-" + i, "66.249.66." + (i + 1), BOTS.get(i % 5), i));
    }

    try (CollectorServer a = collector(topic, prefix); CollectorServer b = collector(topic, prefix)) {
      WebClient toA = WebClient.create(a.vertx, new WebClientOptions().setDefaultPort(a.port).setDefaultHost("127.0.0.1"));
      WebClient toB = WebClient.create(b.vertx, new WebClientOptions().setDefaultPort(b.port).setDefaultHost("127.0.0.1"));
      // Unique hits and bots concurrently, spread over both collectors.
      List<Future<HttpResponse<Buffer>>> first = new ArrayList<>();
      for (int i = 0; i < unique.size(); i++) {
        first.add(send(i % 2 == 0 ? toA : toB, unique.get(i)));
      }
      for (Hit bot : bots) {
        first.add(send(toA, bot));
      }
      CollectorServer.await(Future.all(first));
      // Retries go to the other collector than the original: only the shared Redis can catch them.
      List<Future<HttpResponse<Buffer>>> retries = new ArrayList<>();
      for (Hit hit : repeats) {
        retries.add(send(unique.indexOf(hit) % 2 == 0 ? toB : toA, hit));
      }
      CollectorServer.await(Future.all(retries));

      int accepted = 0;
      int duplicates = 0;
      int botDrops = 0;
      for (Future<HttpResponse<Buffer>> f : concat(first, retries)) {
        HttpResponse<Buffer> r = f.result();
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
        JsonObject body = r.bodyAsJsonObject();
        accepted += body.getInteger("accepted");
        duplicates += body.getInteger("duplicates");
        botDrops += body.getJsonArray("rejected").size();
      }
      assertThat(accepted).isEqualTo(930);
      assertThat(duplicates).isEqualTo(50);
      assertThat(botDrops).isEqualTo(20);
      toA.close();
      toB.close();
    }

    // Every 202 above means Kafka acknowledged the events, so the topic's end offsets are final.
    // Records hold a batch's events per partition, each visitor in the partition Kafka's
    // default partitioner picks for its id as key (the topic has 3 partitions).
    List<ConsumerRecord<Long, byte[]>> records = readAll(topic);
    assertThat(records).hasSizeLessThan(930);
    LongSerializer keys = new LongSerializer();
    List<Event> events = new ArrayList<>();
    for (ConsumerRecord<Long, byte[]> record : records) {
      List<Event> decoded = EventCodec.decode(Buffer.buffer(record.value()));
      assertThat(decoded).allSatisfy(e -> assertThat(record.partition())
          .isEqualTo(BuiltInPartitioner.partitionForKey(keys.serialize(topic, e.visitorId()), 3)));
      events.addAll(decoded);
    }
    assertThat(events).hasSize(930);
    Set<Long> ids = new HashSet<>();
    events.forEach(e -> ids.add(e.eventId()));
    assertThat(ids).hasSize(930);
    assertThat(events).allSatisfy(e -> {
      assertThat(e.site()).isEqualTo("example.com");
      assertThat(e.hostname()).isEqualTo("example.com");
      assertThat(e.pathname()).matches("/page/\\d+");
      assertThat(e.browser()).isNotEmpty();
      assertThat(e.os()).isNotEmpty();
      assertThat(e.device()).isIn("Desktop", "Mobile", "Tablet");
      assertThat(e.country()).matches("[A-Z]{2}");
      assertThat(e.referrer()).isEqualTo("news.ycombinator.com");
      assertThat(e.referrerSource()).isEqualTo("it");
      assertThat(e.utmSource()).isEqualTo("it");
      assertThat(e.screenSize()).isEqualTo("Laptop");
      assertThat(e.visitorId()).isNotZero();
    });
    assertThat(events.stream().map(Event::browser).distinct()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(events.stream().filter(e -> "Signup".equals(e.name())).count()).isEqualTo(133);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private List<ConsumerRecord<Long, byte[]>> readAll(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<Long, byte[]> consumer =
             new KafkaConsumer<>(props, new LongDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long total = end.values().stream().mapToLong(Long::longValue).sum();
      List<ConsumerRecord<Long, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (records.size() < total && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertThat((long) records.size()).isEqualTo(total);
      return records;
    }
  }
}

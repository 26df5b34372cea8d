package io.trackflow.core.queue.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.QueueEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The event spool keeps appended events on disk in order, bounded, and reads back every intact record")
class EventSpoolTest {

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final QueueEvents source = new QueueEvents(1);
  private final List<EventSpool> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (EventSpool spool : open) {
      await(spool.close());
    }
    await(vertx.close());
  }

  private EventSpool open(EventSpool.Options options) throws Exception {
    return open(options, new SimpleMeterRegistry());
  }

  private EventSpool open(EventSpool.Options options, MeterRegistry registry) throws Exception {
    EventSpool spool = await(EventSpool.open(vertx, options, registry));
    open.add(spool);
    return spool;
  }

  private EventSpool.Options small() {
    // Segments of 64 KiB: a few hundred events each, so tests cross segment boundaries.
    return new EventSpool.Options(dir, 4 * 1024 * 1024, 64 * 1024, 4 * 1024 * 1024);
  }

  private void closeSpool(EventSpool spool) throws Exception {
    open.remove(spool);
    await(spool.close());
  }

  /** Reads and acknowledges everything, returning the events in the order read. */
  private static List<Event> drain(EventSpool spool) throws Exception {
    List<Event> read = new ArrayList<>();
    while (true) {
      EventSpool.Batch batch = await(spool.next(300));
      if (batch.events().isEmpty() && !spool.holding()) {
        await(spool.acknowledge(batch));
        return read;
      }
      read.addAll(batch.events());
      await(spool.acknowledge(batch));
      if (batch.events().isEmpty()) {
        return read; // only damage was left
      }
    }
  }

  private List<Event> append(EventSpool spool, int batches, int perBatch) throws Exception {
    List<Event> all = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      List<Event> events = source.forVisitors(perBatch, 1);
      assertThat(await(spool.append(events))).as("append %d", b).isTrue();
      all.addAll(events);
    }
    return all;
  }

  /** Three records of ten events in a spool that was closed again, as an earlier run leaves it. */
  private List<Event> leftBehind() throws Exception {
    EventSpool first = open(small());
    List<Event> appended = append(first, 3, 10);
    closeSpool(first);
    return appended;
  }

  private static List<Event> concat(List<Event> a, List<Event> b) {
    List<Event> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static double damaged(SimpleMeterRegistry registry) {
    return registry.get("trackflow.collector.spool.damaged").counter().count();
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(EventSpool.SUFFIX)).sorted().toList();
    }
  }

  @Test
  @DisplayName("Events appended in many records come back in the order appended, across segments, and once acknowledged their segments are deleted")
  void readsBackInOrder() throws Exception {
    EventSpool spool = open(small());
    List<Event> appended = append(spool, 40, 25);
    assertThat(segments()).as("segments of 64 KiB").hasSizeGreaterThan(1);
    assertThat(spool.events()).isEqualTo(1000);

    assertThat(drain(spool)).isEqualTo(appended);
    assertThat(spool.holding()).isFalse();
    assertThat(segments()).as("segments left after everything was replayed").isEmpty();
    assertThat(spool.bytes()).isZero();
  }

  @Test
  @DisplayName("Appends made concurrently from several threads are all stored, each record whole")
  void concurrentAppends() throws Exception {
    EventSpool spool = open(small());
    List<Future<Boolean>> results = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<Event> all = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      List<List<Event>> batches = new ArrayList<>();
      for (int b = 0; b < 50; b++) {
        batches.add(source.forVisitors(3, 1));
      }
      threads.add(Thread.ofPlatform().start(() -> batches.forEach(batch -> {
        all.addAll(batch);
        synchronized (results) {
          results.add(spool.append(batch));
        }
      })));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(await(Future.all(new ArrayList<>(results))).list()).containsOnly(true);

    List<Event> read = drain(spool);
    assertThat(read).containsExactlyInAnyOrderElementsOf(all);
  }

  @Test
  @DisplayName("Reopened (a restart), the spool replays from where the last acknowledgement left it, and counts what it found per site")
  void restartContinuesAtTheCursor() throws Exception {
    EventSpool first = open(small());
    List<Event> appended = append(first, 10, 20);
    EventSpool.Batch replayed = await(first.next(50));
    await(first.acknowledge(replayed));
    closeSpool(first);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EventSpool second = open(small(), registry);
    assertThat(second.events()).isEqualTo(200 - replayed.events().size());
    double recovered = registry.find("trackflow.collector.spool.recovered").counters().stream()
        .mapToDouble(c -> c.count()).sum();
    assertThat(recovered).isEqualTo(second.events());
    assertThat(registry.find("trackflow.collector.hits.spooled").tag("site", "example.com").gauge().value())
        .isEqualTo(appended.subList(replayed.events().size(), 200).stream()
            .filter(e -> e.site().equals("example.com")).count());

    List<Event> later = append(second, 2, 5);
    assertThat(drain(second)).isEqualTo(concat(appended.subList(replayed.events().size(), 200), later));
  }

  @Test
  @DisplayName("A record cut short at the end of a segment (a crash while writing) is skipped and counted; the records before it and appends after the restart are read")
  void truncatedTail() throws Exception {
    List<Event> appended = leftBehind();
    Path segment = segments().getLast();
    long size = Files.size(segment);
    // Cut the last record in half.
    int lastRecord = SpoolRecords.encode(appended.subList(20, 30)).remaining();
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(size - lastRecord / 2);
    }

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EventSpool second = open(small(), registry);
    assertThat(damaged(registry)).isEqualTo(1);
    assertThat(second.events()).isEqualTo(20);
    List<Event> later = append(second, 1, 4);
    assertThat(drain(second)).isEqualTo(concat(appended.subList(0, 20), later));
  }

  @Test
  @DisplayName("A record whose payload was damaged fails its checksum and is skipped; the records after it in the same segment are still read")
  void damagedPayload() throws Exception {
    List<Event> appended = leftBehind();
    int recordSize = SpoolRecords.encode(appended.subList(0, 10)).remaining();
    flipByte(segments().getFirst(), recordSize + SpoolRecords.HEADER_BYTES + 40);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EventSpool second = open(small(), registry);
    assertThat(damaged(registry)).isEqualTo(1);
    assertThat(second.events()).isEqualTo(20);
    assertThat(drain(second)).isEqualTo(concat(appended.subList(0, 10), appended.subList(20, 30)));
  }

  @Test
  @DisplayName("A damaged length field does not hide the records behind it: the reader finds the next intact record by its magic")
  void damagedLength() throws Exception {
    List<Event> appended = leftBehind();
    // The length of the first record now claims more than the whole segment.
    flipByte(segments().getFirst(), 4);

    EventSpool second = open(small());
    assertThat(drain(second)).isEqualTo(appended.subList(10, 30));
  }

  @Test
  @DisplayName("The checksum covers the length: a record whose length was changed to another plausible value is not read")
  void checksumCoversTheLength() throws Exception {
    List<Event> events = source.forVisitors(5, 1);
    ByteBuffer record = SpoolRecords.encode(events);
    Path file = dir.resolve("one.spool");
    Files.write(file, java.util.Arrays.copyOf(record.array(), record.remaining() + 1));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long end = channel.size();
      assertThat(SpoolRecords.readAt(channel, 0, end)).as("intact").isNotNull();
      assertThat(SpoolRecords.readAt(channel, 0, end).events()).isEqualTo(events);
      ByteBuffer longer = ByteBuffer.allocate(4).putInt(record.remaining() - SpoolRecords.HEADER_BYTES + 1).flip();
      channel.write(longer, 4);
      assertThat(SpoolRecords.readAt(channel, 0, end)).as("length one byte longer").isNull();
      assertThat(SpoolRecords.nextIntact(channel, 0, end)).as("no intact record after it").isEqualTo(end);
    }
  }

  @Test
  @DisplayName("Past its size cap the spool refuses appends (nothing of them is stored), and takes them again once replay has freed segments")
  void capRefusesAndRecovers() throws Exception {
    EventSpool.Options options = new EventSpool.Options(dir, 256 * 1024, 64 * 1024, 256 * 1024);
    EventSpool spool = open(options);
    List<Event> stored = new ArrayList<>();
    int refused = 0;
    for (int b = 0; b < 200; b++) {
      List<Event> events = source.forVisitors(10, 1);
      if (await(spool.append(events))) {
        stored.addAll(events);
      } else {
        refused++;
      }
    }
    assertThat(refused).as("appends refused").isPositive();
    assertThat(spool.bytes()).isLessThanOrEqualTo(256 * 1024);
    assertThat(spool.events()).isEqualTo(stored.size());

    assertThat(drain(spool)).isEqualTo(stored);
    assertThat(await(spool.append(source.forVisitors(10, 1)))).as("an append after replay").isTrue();
  }

  @Test
  @DisplayName("A damaged cursor file makes the spool replay from its start: events may come twice, never not at all")
  void damagedCursor() throws Exception {
    EventSpool first = open(small());
    List<Event> appended = append(first, 4, 10);
    EventSpool.Batch one = await(first.next(10));
    await(first.acknowledge(one));
    closeSpool(first);
    flipByte(dir.resolve(EventSpool.CURSOR), 3);

    EventSpool second = open(small());
    assertThat(drain(second)).isEqualTo(appended);
  }

  @Test
  @DisplayName("Close writes the appends still on their way, and a second process cannot open a spool directory in use")
  void closeAndLock() throws Exception {
    EventSpool first = open(small());
    List<Future<Boolean>> pending = new ArrayList<>();
    List<Event> appended = new ArrayList<>();
    for (int b = 0; b < 20; b++) {
      List<Event> events = source.forVisitors(5, 1);
      appended.addAll(events);
      pending.add(first.append(events));
    }
    assertThatThrownBy(() -> await(EventSpool.open(vertx, small(), new SimpleMeterRegistry())))
        .hasMessageContaining("in use by another process");
    closeSpool(first);
    assertThat(await(Future.all(new ArrayList<>(pending))).list()).containsOnly(true);
    assertThat(await(first.append(source.forVisitors(1, 1)))).as("an append after close").isFalse();

    EventSpool second = open(small());
    assertThat(drain(second)).isEqualTo(appended);
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.flip();
      byte b = one.get();
      channel.write(ByteBuffer.wrap(new byte[] {(byte) (b ^ 0x5a)}), position);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}

package io.trackflow.core.queue.spool;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.event.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events the queue cannot take now, kept on local disk until it can, in the order they came: the
 * collector's pixel hits while the broker is down (a pixel cannot be retried by the browser).
 *
 * <p>Segment files {@code <sequence>.spool} of checksummed records ({@link SpoolRecords}), one
 * record per append, appended to the newest segment; a {@code cursor} file says how far replay has
 * got. Bounded: an append that would take the segments past {@code maxBytes} (or the bytes waiting
 * for the disk past {@code maxPendingBytes}) is refused, and the caller counts its events lost.
 * A segment is deleted once replay has passed its end.
 *
 * <p>Never blocking the caller: every file operation runs on the spool's own thread, in
 * submission order. Appends waiting while the thread writes are written together and made durable
 * with one {@code fsync}; an append's future completes once its record is on disk. A crash loses
 * at most the appends whose futures had not completed. Replay is at-least-once: a crash between a
 * replayed batch's publish and the cursor's write replays that batch again.
 *
 * <p>Reading back ({@link #next}) skips what does not read as an intact record (a record cut
 * short by a crash, a damaged one) and goes on with the next intact one; damage found when the
 * spool is opened is counted. One process owns a spool directory (a lock file).
 */
public final class EventSpool {

  private static final Logger log = LoggerFactory.getLogger(EventSpool.class);
  static final String SUFFIX = ".spool";
  static final String CURSOR = "cursor";
  static final String LOCK = "spool.lock";

  /**
   * How a spool is bounded.
   *
   * @param directory where the segments live (created if missing)
   * @param maxBytes bytes the segments may take on disk
   * @param segmentBytes size at which a new segment is started
   * @param maxPendingBytes encoded bytes waiting for the spool's thread before appends are refused
   */
  public record Options(Path directory, long maxBytes, long segmentBytes, long maxPendingBytes) {

    /** Segments of an eighth of the cap (64 KiB to 16 MiB), at most 8 MiB waiting for the disk. */
    public static Options of(Path directory, long maxBytes) {
      long segment = Math.clamp(maxBytes / 8, 64 * 1024L, 16 * 1024 * 1024L);
      return new Options(directory, maxBytes, segment, Math.min(maxBytes, 8 * 1024 * 1024L));
    }
  }

  /** Where replay stands: a segment and an offset in it. */
  public record Position(long segment, long offset) {}

  /** Events read for replay, and the position after them (to {@link #acknowledge} once published). */
  public record Batch(List<Event> events, Position after) {}

  private record Append(ByteBuffer record, List<Event> events, CompletableFuture<Boolean> done) {}

  private static final class Segment {
    final long sequence;
    final Path path;
    long size;
    FileChannel channel;

    Segment(long sequence, Path path, long size) {
      this.sequence = sequence;
      this.path = path;
      this.size = size;
    }
  }

  private final Vertx vertx;
  private final Options options;
  private final MeterRegistry registry;
  private final ExecutorService io;
  private final ConcurrentLinkedQueue<Append> appends = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushQueued = new AtomicBoolean();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicLong diskBytes = new AtomicLong();
  // Events appended and not yet acknowledged, those still on their way to the disk included.
  private final AtomicLong held = new AtomicLong();
  private final Map<String, AtomicLong> heldBySite = new ConcurrentHashMap<>();
  private final Counter damaged;
  private volatile boolean closed;

  // Touched only on the spool's thread.
  private final TreeMap<Long, Segment> segments = new TreeMap<>();
  private Segment active;
  private long nextSequence;
  private Position cursor;
  private FileChannel cursorChannel;
  private FileChannel lockChannel;
  private FileLock lock;
  private boolean shut;

  private EventSpool(Vertx vertx, Options options, MeterRegistry registry) {
    this.vertx = vertx;
    this.options = options;
    this.registry = registry;
    this.io = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "trackflow-spool");
      t.setDaemon(true);
      return t;
    });
    this.damaged = Counter.builder("trackflow.collector.spool.damaged")
        .description("Damaged or cut-short stretches of the spool skipped when it was opened").register(registry);
    Gauge.builder("trackflow.collector.spool.bytes", diskBytes, AtomicLong::get)
        .description("Bytes the spool's segments take on disk").baseUnit("bytes").register(registry);
    Gauge.builder("trackflow.collector.spool.capacity", options, o -> o.maxBytes())
        .description("Bytes the spool may take on disk").baseUnit("bytes").register(registry);
  }

  /**
   * Opens the spool in {@code options.directory()}: takes its lock, reads the cursor and counts
   * what earlier runs left to replay (per site, in {@code trackflow_collector_spool_recovered_total}).
   */
  public static Future<EventSpool> open(Vertx vertx, Options options, MeterRegistry registry) {
    EventSpool spool = new EventSpool(vertx, options, registry);
    return spool.onSpoolThread(() -> {
      spool.load();
      return spool;
    }).onFailure(e -> spool.io.shutdownNow());
  }

  // ---- appending (any thread) -------------------------------------------------------------------

  /**
   * Appends events as one record; the future completes with true once they are on disk, with
   * false when they were refused (spool full, closed, or a write failed): then they are not in
   * the spool and the caller counts them lost.
   */
  public Future<Boolean> append(List<Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture(true);
    }
    if (closed) {
      return Future.succeededFuture(false);
    }
    ByteBuffer record = SpoolRecords.encode(events);
    int size = record.remaining();
    long waiting = pendingBytes.addAndGet(size);
    if (waiting > options.maxPendingBytes() || diskBytes.get() + waiting > options.maxBytes()) {
      pendingBytes.addAndGet(-size);
      return Future.succeededFuture(false);
    }
    held.addAndGet(events.size());
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    appends.add(new Append(record, events, done));
    if (flushQueued.compareAndSet(false, true)) {
      try {
        io.execute(this::flush);
      } catch (RejectedExecutionException e) {
        refuseWaiting(); // closed meanwhile
      }
    }
    return Future.fromCompletionStage(done, vertx.getOrCreateContext());
  }

  /** True while events are in the spool or on their way to it: new ones must queue behind them. */
  public boolean holding() {
    return held.get() > 0;
  }

  /** Events in the spool or on their way to it. */
  public long events() {
    return held.get();
  }

  /** Bytes the segments take on disk. */
  public long bytes() {
    return diskBytes.get();
  }

  // Writes every waiting append, then one fsync for all of them.
  private void flush() {
    flushQueued.set(false);
    if (shut) {
      refuseWaiting();
      return;
    }
    List<Append> batch = new ArrayList<>();
    for (Append a; (a = appends.poll()) != null; ) {
      batch.add(a);
    }
    if (batch.isEmpty()) {
      return;
    }
    // Appends on disk and synced (a roll syncs the segment it leaves), and those written since.
    List<Append> durable = new ArrayList<>(batch.size());
    List<Append> unsynced = new ArrayList<>();
    long syncedSize = active == null ? 0 : active.size;
    try {
      for (Append a : batch) {
        int size = a.record().remaining();
        if (active == null || active.size > 0 && active.size + size > options.segmentBytes()) {
          roll();
          durable.addAll(unsynced);
          unsynced.clear();
          syncedSize = 0;
        }
        ByteBuffer record = a.record();
        while (record.hasRemaining()) {
          active.channel.write(record, active.size + record.position());
        }
        active.size += size;
        diskBytes.addAndGet(size);
        pendingBytes.addAndGet(-size);
        unsynced.add(a);
      }
      active.channel.force(false);
      durable.addAll(unsynced);
      unsynced.clear();
    } catch (IOException | UncheckedIOException e) {
      log.error("Spool write failed in {}: {}", options.directory(), e.getMessage());
      discardUnsynced(syncedSize);
      for (Append a : batch) {
        if (durable.contains(a)) {
          continue;
        }
        if (!unsynced.contains(a)) {
          pendingBytes.addAndGet(-a.record().capacity());
        }
        held.addAndGet(-a.events().size());
        a.done().complete(false);
      }
    }
    for (Append a : durable) {
      a.events().forEach(e -> site(e.site()).incrementAndGet());
      a.done().complete(true);
    }
  }

  // After a failed write: what was written to the active segment since its last sync is cut off
  // (records of refused appends must not be replayed), and the next append starts a new segment.
  private void discardUnsynced(long syncedSize) {
    if (active == null) {
      return;
    }
    try {
      active.channel.truncate(syncedSize);
      diskBytes.addAndGet(-(active.size - syncedSize));
      active.size = syncedSize;
    } catch (IOException e) {
      log.error("Spool segment {} could not be cut back after a failed write: {}", active.path, e.getMessage());
    }
    active = null;
  }

  private void refuseWaiting() {
    for (Append a; (a = appends.poll()) != null; ) {
      pendingBytes.addAndGet(-a.record().remaining());
      held.addAndGet(-a.events().size());
      a.done().complete(false);
    }
  }

  // Starts a new segment, after syncing the one it leaves.
  private void roll() throws IOException {
    if (active != null) {
      active.channel.force(false);
    }
    long sequence = nextSequence++;
    Path path = options.directory().resolve(String.format("%020d%s", sequence, SUFFIX));
    Segment segment = new Segment(sequence, path, 0);
    segment.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    syncDirectory();
    segments.put(sequence, segment);
    active = segment;
  }

  // ---- replay (any thread asks; the spool's thread reads) --------------------------------------

  /**
   * Reads the records after the cursor, up to about {@code maxEvents} events (at least one record);
   * an empty batch whose position moved means only damage was skipped. Acknowledge it once its
   * events are published; until then the next call reads the same records.
   */
  public Future<Batch> next(int maxEvents) {
    return onSpoolThread(() -> {
      Position position = cursor;
      List<Event> events = new ArrayList<>();
      while (events.size() < maxEvents) {
        Map.Entry<Long, Segment> entry = segments.ceilingEntry(position.segment());
        if (entry == null) {
          break;
        }
        Segment segment = entry.getValue();
        if (segment.sequence != position.segment()) {
          position = new Position(segment.sequence, 0);
        }
        if (position.offset() >= segment.size) {
          if (segment == active || segments.higherKey(segment.sequence) == null) {
            break;
          }
          position = new Position(segments.higherKey(segment.sequence), 0);
          continue;
        }
        FileChannel channel = channel(segment);
        SpoolRecords.Read read = SpoolRecords.readAt(channel, position.offset(), segment.size);
        if (read == null) {
          position = new Position(segment.sequence, SpoolRecords.nextIntact(channel, position.offset(), segment.size));
          continue;
        }
        events.addAll(read.events());
        position = new Position(segment.sequence, read.end());
      }
      return new Batch(events, position);
    });
  }

  /**
   * Moves the cursor past a batch returned by {@link #next} whose events are now published, and
   * deletes segments replay has passed.
   */
  public Future<Void> acknowledge(Batch batch) {
    return onSpoolThread(() -> {
      Position position = batch.after();
      // Past the end of a segment that is complete: go on at the next one (or a fresh one).
      Segment at = segments.get(position.segment());
      if (at != null && position.offset() >= at.size) {
        Long later = segments.higherKey(at.sequence);
        if (later != null) {
          position = new Position(later, 0);
        } else {
          // Everything is replayed: the next append starts a new segment, this one can go.
          active = null;
          position = new Position(nextSequence, 0);
        }
      }
      if (position.equals(cursor) && batch.events().isEmpty()) {
        return null; // nothing replayed, nothing skipped
      }
      writeCursor(position);
      cursor = position;
      for (Long sequence : new ArrayList<>(segments.headMap(position.segment()).keySet())) {
        delete(segments.remove(sequence));
      }
      for (Event e : batch.events()) {
        site(e.site()).decrementAndGet();
      }
      held.addAndGet(-batch.events().size());
      return null;
    });
  }

  private FileChannel channel(Segment segment) throws IOException {
    if (segment.channel == null) {
      segment.channel = FileChannel.open(segment.path, StandardOpenOption.READ);
    }
    return segment.channel;
  }

  private void delete(Segment segment) throws IOException {
    if (segment.channel != null) {
      segment.channel.close();
    }
    Files.deleteIfExists(segment.path);
    diskBytes.addAndGet(-segment.size);
  }

  private void writeCursor(Position position) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(20).putLong(position.segment()).putLong(position.offset());
    CRC32C crc = new CRC32C();
    crc.update(bytes.array(), 0, 16);
    bytes.putInt((int) crc.getValue()).flip();
    while (bytes.hasRemaining()) {
      cursorChannel.write(bytes, bytes.position());
    }
    cursorChannel.force(false);
  }

  // ---- opening and closing ------------------------------------------------------------------------

  private void load() throws IOException {
    Path directory = options.directory();
    Files.createDirectories(directory);
    lockChannel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("the spool directory " + directory + " is in use by another process");
    }
    try (Stream<Path> files = Files.list(directory)) {
      for (Path path : files.toList()) {
        String name = path.getFileName().toString();
        if (name.endsWith(SUFFIX) && name.length() == 20 + SUFFIX.length()) {
          long sequence = Long.parseLong(name.substring(0, 20));
          segments.put(sequence, new Segment(sequence, path, Files.size(path)));
        }
      }
    }
    nextSequence = segments.isEmpty() ? 0 : segments.lastKey() + 1;
    Path cursorFile = directory.resolve(CURSOR);
    cursor = readCursor(cursorFile);
    // New segments must lie at or after the cursor, or replay would pass them by.
    nextSequence = Math.max(nextSequence, cursor.segment());
    cursorChannel = FileChannel.open(cursorFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    for (Long sequence : new ArrayList<>(segments.headMap(cursor.segment()).keySet())) {
      delete(segments.remove(sequence)); // replayed before a crash kept them from being deleted
    }
    segments.values().forEach(s -> diskBytes.addAndGet(s.size));
    Map<String, Long> recovered = count();
    recovered.forEach((site, events) -> {
      site(site).addAndGet(events);
      held.addAndGet(events);
      Counter.builder("trackflow.collector.spool.recovered").tag("site", site)
          .description("Events an earlier run left in the spool, found at start-up").register(registry)
          .increment(events);
    });
    if (!segments.isEmpty()) {
      log.info("Spool {}: {} events in {} segments ({} bytes) to replay", directory, held.get(),
          segments.size(), diskBytes.get());
    }
    // Appends go to a new segment: the last one may end in a record a crash cut short.
    active = null;
  }

  // Where replay stands; a position in a segment that is gone reads from the next one on.
  private Position readCursor(Path file) throws IOException {
    Position start = new Position(segments.isEmpty() ? 0 : segments.firstKey(), 0);
    if (!Files.exists(file)) {
      return start;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length == 0) {
      return start; // nothing was replayed yet
    }
    if (bytes.length == 20) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, 16);
      ByteBuffer b = ByteBuffer.wrap(bytes);
      Position position = new Position(b.getLong(), b.getLong());
      if (b.getInt() == (int) crc.getValue()) {
        return position;
      }
    }
    log.warn("Spool cursor {} is damaged; replaying the spool from its start", file);
    return start;
  }

  // Events from the cursor on, per site, skipping (and counting) what does not read.
  private Map<String, Long> count() throws IOException {
    Map<String, Long> bySite = new HashMap<>();
    for (Segment segment : segments.values()) {
      long offset = segment.sequence == cursor.segment() ? cursor.offset() : 0;
      if (segment.sequence < cursor.segment()) {
        continue;
      }
      FileChannel channel = channel(segment);
      while (offset < segment.size) {
        SpoolRecords.Read read = SpoolRecords.readAt(channel, offset, segment.size);
        if (read == null) {
          long next = SpoolRecords.nextIntact(channel, offset, segment.size);
          log.warn("Spool segment {}: {} bytes at offset {} are not an intact record; skipped",
              segment.path, next - offset, offset);
          damaged.increment();
          offset = next;
          continue;
        }
        read.events().forEach(e -> bySite.merge(e.site(), 1L, Long::sum));
        offset = read.end();
      }
    }
    return bySite;
  }

  /**
   * Refuses new appends, writes those already made, saves the cursor and releases the directory.
   * What the spool holds stays for the next run.
   */
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    Future<Void> done = onSpoolThread(() -> {
      flush();
      for (Segment segment : segments.values()) {
        if (segment.channel != null) {
          segment.channel.close();
        }
      }
      cursorChannel.close();
      lock.release();
      lockChannel.close();
      shut = true;
      return null;
    });
    return done.andThen(ar -> {
      io.shutdown();
      refuseWaiting();
    });
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private AtomicLong site(String site) {
    return heldBySite.computeIfAbsent(site, s -> {
      AtomicLong count = new AtomicLong();
      Gauge.builder("trackflow.collector.hits.spooled", count, AtomicLong::get).tag("site", s)
          .description("Hits in the collector's spool, waiting to be replayed to the queue").register(registry);
      return count;
    });
  }

  private void syncDirectory() {
    try (FileChannel directory = FileChannel.open(options.directory(), StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be opened for sync; the segment's own fsync stands.
    }
  }

  private <T> Future<T> onSpoolThread(Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      io.execute(() -> {
        try {
          result.complete(work.call());
        } catch (Throwable e) {
          result.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("the spool is closed"));
    }
    return Future.fromCompletionStage(result, vertx.getOrCreateContext());
  }
}

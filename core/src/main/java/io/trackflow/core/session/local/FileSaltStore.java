package io.trackflow.core.session.local;

import io.trackflow.core.session.SaltStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Salts in a file of the data directory: the standalone salt store, so that a restart in the
 * middle of a day keeps every visitor's id. One line per day ({@code yyyy-MM-dd <hex salt>}),
 * readable by the owner only (0600). Every change rewrites the whole file into a temporary file
 * beside it and moves that over the old one atomically, so a crash leaves the old file or the new
 * one, never half of either. A new day's salt is answered only once it is on disk.
 *
 * <p>One process owns the file (like the DuckDB files next to it). File work runs on a worker
 * thread, one change at a time.
 */
public final class FileSaltStore implements SaltStore {

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Vertx vertx;
  private final Path file;
  private final SecureRandom random = new SecureRandom();
  // Guarded by itself; written to disk under the same lock, so the file follows the map's order.
  private final TreeMap<LocalDate, byte[]> salts;

  private FileSaltStore(Vertx vertx, Path file, TreeMap<LocalDate, byte[]> salts) {
    this.vertx = vertx;
    this.file = file;
    this.salts = salts;
  }

  /** Reads the salts kept in {@code file} (none if it does not exist yet). */
  public static Future<FileSaltStore> open(Vertx vertx, Path file) {
    Path absolute = file.toAbsolutePath();
    return vertx.executeBlocking(() -> new FileSaltStore(vertx, absolute, read(absolute)), false);
  }

  private static TreeMap<LocalDate, byte[]> read(Path file) throws IOException {
    TreeMap<LocalDate, byte[]> salts = new TreeMap<>();
    if (!Files.exists(file)) {
      return salts;
    }
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.strip().split(" ");
      try {
        byte[] salt = parts.length == 2 ? HexFormat.of().parseHex(parts[1]) : new byte[0];
        if (salt.length != SALT_BYTES) {
          throw new IllegalArgumentException("expected a date and " + SALT_BYTES + " hex bytes");
        }
        salts.put(LocalDate.parse(parts[0]), salt);
      } catch (DateTimeParseException | IllegalArgumentException e) {
        // Refuse to start rather than silently give every visitor of the day a new id.
        throw new IOException("salt file " + file + ", line " + number + ": " + e.getMessage(), e);
      }
    }
    return salts;
  }

  @Override
  public Future<byte[]> saltFor(LocalDate day) {
    synchronized (salts) {
      byte[] salt = salts.get(day);
      if (salt != null) {
        return Future.succeededFuture(salt.clone());
      }
    }
    return vertx.executeBlocking(() -> {
      synchronized (salts) {
        byte[] salt = salts.get(day);
        if (salt == null) {
          salt = new byte[SALT_BYTES];
          random.nextBytes(salt);
          salts.put(day, salt);
          try {
            write();
          } catch (IOException | RuntimeException e) {
            salts.remove(day); // not on disk: not handed out either
            throw e;
          }
        }
        return salt.clone();
      }
    }, false);
  }

  @Override
  public Future<Void> deleteBefore(LocalDate day) {
    return vertx.executeBlocking(() -> {
      synchronized (salts) {
        Map<LocalDate, byte[]> old = salts.headMap(day);
        if (!old.isEmpty()) {
          old.clear();
          write();
        }
      }
      return null;
    }, false);
  }

  /** Writes every salt to a temporary file (owner-only) and moves it over the file. */
  private void write() throws IOException {
    StringBuilder text = new StringBuilder();
    salts.forEach((day, salt) -> text.append(day).append(' ').append(HexFormat.of().formatHex(salt)).append('\n'));
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve(file.getFileName() + ".tmp");
    // Left over by a crash mid-write: the file itself is still whole.
    Files.deleteIfExists(temp);
    try {
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(temp);
    }
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
      channel.force(true); // on disk before it replaces the old file
    }
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Days that still have a salt, for tests and diagnostics. */
  public Set<LocalDate> days() {
    synchronized (salts) {
      return Set.copyOf(salts.keySet());
    }
  }

  @Override
  public String toString() {
    return "FileSaltStore[" + file + "]";
  }
}

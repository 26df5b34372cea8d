package io.trackflow.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Where the browser tests write their screenshots. By default under the server module's
 * {@code target/}, so a test run leaves the checkout as it was; only when asked
 * ({@code -Dscreenshots.update=true}, or {@code TRACKFLOW_UPDATE_SCREENSHOTS=true} in the
 * environment) into {@code docs/screenshots/}, the ones the README shows.
 */
final class Screenshots {

  static final String UPDATE_PROPERTY = "screenshots.update";
  static final String UPDATE_VARIABLE = "TRACKFLOW_UPDATE_SCREENSHOTS";

  private static final Path MODULE = Path.of("").toAbsolutePath().normalize();

  /** The README's screenshots in the checkout. */
  static final Path DOCS = docs(MODULE);

  private Screenshots() {}

  /** The directory for this run, from the JVM's system properties and environment. */
  static Path directory() {
    return directory(MODULE, System.getProperty(UPDATE_PROPERTY), System.getenv());
  }

  /**
   * The directory for a run of the tests of {@code module} (the server module, where Failsafe
   * runs them): {@code ../docs/screenshots} when the property or variable says {@code true},
   * otherwise {@code target/screenshots}.
   */
  static Path directory(Path module, String updateProperty, Map<String, String> environment) {
    boolean update = Boolean.parseBoolean(updateProperty) || Boolean.parseBoolean(environment.get(UPDATE_VARIABLE));
    return update ? docs(module) : module.resolve("target").resolve("screenshots");
  }

  /** A checksum of every file in {@code directory}, to see that a run left it as it was. */
  static Map<Path, Long> checksums(Path directory) {
    Map<Path, Long> sums = new TreeMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        CRC32 crc = new CRC32();
        crc.update(Files.readAllBytes(file));
        sums.put(file.getFileName(), crc.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sums;
  }

  private static Path docs(Path module) {
    return module.resolve("..").resolve("docs").resolve("screenshots").normalize();
  }
}

package io.trackflow.tracker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Where the built tracker script lives on the classpath, and how to read it. */
public final class TrackerScript {

  /** Classpath location of the minified tracker, served by the collector at {@code /tracker.js}. */
  public static final String RESOURCE = "trackflow/tracker/tracker.js";

  private TrackerScript() {}

  /**
   * Reads the whole script from the classpath (a few kilobytes: callers read it once at start-up
   * and keep the bytes, and their compressed forms, in memory).
   *
   * @throws IllegalStateException when the module was packaged without a built script
   */
  public static byte[] bytes() {
    try (InputStream in = TrackerScript.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("tracker script missing from the classpath: " + RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

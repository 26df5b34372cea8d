package io.trackflow.core.testdata;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Random;

/**
 * Runs a property over generated inputs, a few hundred tries per unit-suite run, each from a seed
 * of its own: a failure names the seed and the input, and {@code -Dtrackflow.fuzz.seed=S
 * -Dtrackflow.fuzz.tries=1} replays exactly that try. The base seed is random, so every run
 * explores new inputs; {@code -Dtrackflow.fuzz.tries=N} runs N tries of every property (the long
 * run in docs/fuzzing.md).
 */
public final class Fuzz {

  public static final String TRIES = "trackflow.fuzz.tries";
  public static final String SEED = "trackflow.fuzz.seed";
  private static final long SPREAD = 0x9E3779B97F4A7C15L;
  private static final int SHOWN_CHARS = 1_500;

  /** A property: throws (an assertion) when the input breaks it. */
  @FunctionalInterface
  public interface Property<T> {
    void check(T input) throws Exception;
  }

  private Fuzz() {}

  /** Checks {@code property} on {@code tries} inputs (or as many as {@value #TRIES} says). */
  public static <T> void forAll(int tries, Gen<T> gen, Property<T> property) {
    int n = Integer.getInteger(TRIES, tries);
    Long fixed = Long.getLong(SEED);
    long base = fixed != null ? fixed : new SecureRandom().nextLong();
    for (int i = 0; i < n; i++) {
      long seed = base + i * SPREAD;
      T input = gen.next(new Random(seed));
      try {
        property.check(input);
      } catch (Exception | AssertionError e) {
        throw new AssertionError("property failed on try " + (i + 1) + " of " + n + " (replay: -D" + SEED + "="
            + seed + " -D" + TRIES + "=1) for input:\n" + show(input) + "\n" + e.getMessage(), e);
      }
    }
  }

  /** The input with control and non-ASCII characters escaped, cut at a readable length. */
  public static String show(Object input) {
    String text = input instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1)
        : String.valueOf(input);
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < text.length() && out.length() < SHOWN_CHARS; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return i < text.length() ? out + "… (" + text.length() + " chars)" : out.toString();
  }
}

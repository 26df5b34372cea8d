package io.trackflow.testsupport;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Fresh names for topics, databases and key prefixes, valid in Kafka, ClickHouse and PostgreSQL. */
public final class TestNames {

  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,30}");
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final int RANDOM_CHARS = 10;

  private TestNames() {}

  /**
   * Returns {@code prefix_} followed by ten random lowercase letters or digits (~51 bits), so
   * tests sharing one service never see each other's data.
   */
  public static String unique(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "name prefix must match " + PREFIX.pattern() + " to be valid everywhere: " + prefix);
    }
    StringBuilder name = new StringBuilder(prefix.length() + 1 + RANDOM_CHARS).append(prefix).append('_');
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < RANDOM_CHARS; i++) {
      name.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return name.toString();
  }
}

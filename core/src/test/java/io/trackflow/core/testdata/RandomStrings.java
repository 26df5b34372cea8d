package io.trackflow.core.testdata;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random strings built to break SQL quoting: quotes, backslashes, NUL and every other control
 * character, escape-looking sequences, Latin, CJK, right-to-left, combining marks and emoji
 * (supplementary code points). Deterministic per seed; always valid UTF-16.
 */
public final class RandomStrings {

  private static final String[] FRAGMENTS = {
      "'", "''", "\\", "\\'", "\\\\", "\\0", "\\x41", "\\n", "\"", "`", "--", "/*", "*/", ";", "%", "_",
      "?", "{x:String}", "$1", "\0", "\r\n", "\t", "\u007f", "\u0085", "\u2028", "\uFEFF", "\u200B",
      "é", "e\u0301", "ß", "Ж", "日本", "한국", "עב", "مر", "😀", "👩‍👩‍👧", "🇩🇪", "\uD834\uDD1E", " ", "a", "Z", "0"};

  private RandomStrings() {}

  /** {@code count} strings of 0 to {@code maxPieces} random pieces each. */
  public static List<String> generate(long seed, int count, int maxPieces) {
    Random random = new Random(seed);
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int pieces = random.nextInt(maxPieces + 1);
      StringBuilder s = new StringBuilder();
      for (int p = 0; p < pieces; p++) {
        switch (random.nextInt(4)) {
          case 0 -> s.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
          case 1 -> s.append((char) random.nextInt(0x20));
          case 2 -> s.appendCodePoint(randomCodePoint(random));
          default -> s.append((char) (0x20 + random.nextInt(0x5f)));
        }
      }
      out.add(s.toString());
    }
    return out;
  }

  private static int randomCodePoint(Random random) {
    while (true) {
      int cp = random.nextInt(4) == 0 ? 0x10000 + random.nextInt(0x10FFFF - 0x10000) : random.nextInt(0xFFFF);
      // Surrogates are not code points; noncharacters are valid but pointless here.
      if (!(cp >= 0xD800 && cp <= 0xDFFF) && Character.isDefined(cp)) {
        return cp;
      }
    }
  }
}

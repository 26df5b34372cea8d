package io.trackflow.query.stats;

/**
 * Wildcard patterns of the {@code matches} filter: {@code *} matches any run of characters, every
 * other character itself. They are compiled to anchored RE2 patterns, which both stores run.
 */
final class Wildcards {

  private Wildcards() {}

  /**
   * The anchored RE2 pattern of a wildcard pattern; every regex metacharacter of the input is
   * escaped, so it matches literally. The caller quotes the result with the dialect's literal.
   */
  static String toRegex(String pattern) {
    // (?s): a value holding a newline still matches a trailing "*".
    StringBuilder sb = new StringBuilder("(?s)^");
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*') {
        sb.append(".*");
      } else if ("\\.+?()|[]{}^$-#&~".indexOf(c) >= 0) {
        sb.append('\\').append(c);
      } else {
        sb.append(c);
      }
    }
    return sb.append('$').toString();
  }

  /** Whether the whole value matches the wildcard pattern, in Java (for goal names). */
  static boolean matches(String pattern, String value) {
    return java.util.regex.Pattern.compile(toRegex(pattern)).matcher(value).matches();
  }
}

package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SipHashUtf8Test {

  private final SipHash hash = new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);

  private long ofBytes(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    byte[] withTerminator = java.util.Arrays.copyOf(utf8, utf8.length + 1);
    return hash.hash(withTerminator, withTerminator.length);
  }

  @Test
  @DisplayName("Characters on each side of a UTF-8 length step (U+007F/U+0080, U+07FF/U+0800) hash as their UTF-8 bytes")
  void lengthSteps() {
    for (String s : new String[] {"\u007f", "\u0080", "\u07ff", "\u0800", "\uffff", "a\u0080b\u0800c"}) {
      assertThat(hash.hash(s)).as("U+%04X…", (int) s.charAt(0)).isEqualTo(ofBytes(s));
    }
  }
}

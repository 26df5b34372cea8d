package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SipHashTest {

  private static byte[] sequence(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  @Test
  @DisplayName("SipHash-2-4 matches the reference vectors of its specification (key 00..0f, messages 00..n-1)")
  void referenceVectors() {
    SipHash h = new SipHash(sequence(16));
    assertThat(h.hash(sequence(0), 0)).isEqualTo(0x726fdb47dd0e0e31L);
    assertThat(h.hash(sequence(1), 1)).isEqualTo(0x74f839c593dc67fdL);
    assertThat(h.hash(sequence(7), 7)).isEqualTo(0xab0200f58b01d137L);
    assertThat(h.hash(sequence(8), 8)).isEqualTo(0x93f5f5799a932462L);
    assertThat(h.hash(sequence(15), 15)).isEqualTo(0xa129ca6149be45e5L);
  }

  @Test
  @DisplayName("Hashing several parts separates them, so (\"ab\",\"c\") and (\"a\",\"bc\") differ")
  void partsDoNotRunTogether() {
    SipHash h = new SipHash(sequence(16));
    assertThat(h.hash("ab", "c")).isNotEqualTo(h.hash("a", "bc"));
    assertThat(h.hash("ünï", "🚀")).isEqualTo(h.hash("ünï", "🚀"));
  }
}

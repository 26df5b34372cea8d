package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Address literals and CIDR blocks at their edges: brackets, mapped addresses, prefix lengths. */
class ClientIpAddressTest {

  private static String ip(byte[] b) {
    return b == null ? null : NetUtil.bytesToIpAddress(b);
  }

  @Test
  @DisplayName("Brackets are removed only as a pair, and only IPv4-mapped IPv6 addresses become IPv4")
  void literals() {
    assertThat(ip(ClientIpResolver.parse("[2001:db8::1]"))).isEqualTo("2001:db8::1");
    assertThat(ClientIpResolver.parse("[2001:db8::1")).isNull();
    assertThat(ClientIpResolver.parse("2001:db8::1]")).isNull();
    assertThat(ClientIpResolver.parse("fe80::1%eth0")).hasSize(16);
    assertThat(ClientIpResolver.parse("::ffff:cb00:7105")).containsExactly(203, 0, 113, 5);
    assertThat(ClientIpResolver.parse("::1")).hasSize(16);
    assertThat(ClientIpResolver.parse("::cb00:7105")).hasSize(16);
    assertThat(ClientIpResolver.parse("1::ffff:cb00:7105")).hasSize(16);
    assertThat(ClientIpResolver.parse("")).isNull();
    assertThat(ClientIpResolver.parse(null)).isNull();
  }

  @Test
  @DisplayName("Prefix lengths 0 and 32 are valid: /0 trusts every IPv4 proxy, /32 exactly one")
  void prefixEdges() {
    ClientIpResolver all = new ClientIpResolver(List.of("0.0.0.0/0"));
    assertThat(ip(all.resolve("198.51.100.1", "203.0.113.9"))).isEqualTo("203.0.113.9");
    ClientIpResolver one = new ClientIpResolver(List.of("10.0.0.1/32"));
    assertThat(ip(one.resolve("10.0.0.1", "203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(ip(one.resolve("10.0.0.2", "203.0.113.9"))).isEqualTo("10.0.0.2");
  }

  @Test
  @DisplayName("Prefixes that split a byte (/12, /25) trust exactly the addresses inside the block")
  void partialBytes() {
    ClientIpResolver r = new ClientIpResolver(List.of("172.16.0.0/12", "192.0.2.128/25"));
    assertThat(ip(r.resolve("172.31.255.255", "203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(ip(r.resolve("172.16.0.1", "203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(ip(r.resolve("172.32.0.1", "203.0.113.9"))).isEqualTo("172.32.0.1");
    assertThat(ip(r.resolve("172.15.255.255", "203.0.113.9"))).isEqualTo("172.15.255.255");
    assertThat(ip(r.resolve("192.0.2.200", "203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(ip(r.resolve("192.0.2.100", "203.0.113.9"))).isEqualTo("192.0.2.100");
  }

  @Test
  @DisplayName("An IPv4 block never trusts an IPv6 peer, and an IPv6 block never an IPv4 one")
  void familiesDoNotMix() {
    ClientIpResolver v4 = new ClientIpResolver(List.of("0.0.0.0/0"));
    assertThat(ip(v4.resolve("2001:db8::7", "203.0.113.9"))).isEqualTo("2001:db8::7");
    ClientIpResolver v6 = new ClientIpResolver(List.of("::/0"));
    assertThat(ip(v6.resolve("198.51.100.1", "203.0.113.9"))).isEqualTo("198.51.100.1");
    assertThat(ip(v6.resolve("2001:db8::7", "203.0.113.9"))).isEqualTo("203.0.113.9");
  }
}

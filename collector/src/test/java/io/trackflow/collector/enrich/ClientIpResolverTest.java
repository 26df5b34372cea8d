package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.NetUtil;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClientIpResolverTest {

  private static String ip(byte[] b) {
    return b == null ? null : NetUtil.bytesToIpAddress(b);
  }

  @Test
  @DisplayName("Without trusted proxies the socket's peer is the client and X-Forwarded-For is ignored")
  void socketAddressByDefault() {
    ClientIpResolver r = new ClientIpResolver(List.of());
    assertThat(ip(r.resolve("203.0.113.9", "198.51.100.1"))).isEqualTo("203.0.113.9");
  }

  @Test
  @DisplayName("A peer that is not a trusted proxy cannot set the client IP through X-Forwarded-For")
  void untrustedPeerIsTheClient() {
    ClientIpResolver r = new ClientIpResolver(List.of("10.0.0.0/8"));
    assertThat(ip(r.resolve("203.0.113.9", "198.51.100.1"))).isEqualTo("203.0.113.9");
  }

  @Test
  @DisplayName("Behind trusted proxies the client is the right-most untrusted hop, so a spoofed left part is ignored")
  void rightmostUntrustedHop() {
    ClientIpResolver r = new ClientIpResolver(List.of("10.0.0.0/8", "127.0.0.1"));
    assertThat(ip(r.resolve("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.1.2.3"))).isEqualTo("198.51.100.7");
    assertThat(ip(r.resolve("10.9.9.9", "198.51.100.7:5555"))).isEqualTo("198.51.100.7");
  }

  @Test
  @DisplayName("When every hop is a trusted proxy the left-most one is taken; garbage in the header stops the walk")
  void allTrustedOrGarbage() {
    ClientIpResolver r = new ClientIpResolver(List.of("10.0.0.0/8"));
    assertThat(ip(r.resolve("10.0.0.1", "10.0.0.3, 10.0.0.2"))).isEqualTo("10.0.0.3");
    assertThat(ip(r.resolve("10.0.0.1", "198.51.100.7, not-an-ip"))).isEqualTo("10.0.0.1");
    assertThat(ip(r.resolve("10.0.0.1", "evil.example.com"))).isEqualTo("10.0.0.1");
  }

  @Test
  @DisplayName("IPv6 peers, bracketed hops and IPv4-mapped addresses are understood")
  void ipv6() {
    ClientIpResolver r = new ClientIpResolver(List.of("::1", "fd00::/8"));
    assertThat(ip(r.resolve("::1", "[2001:db8::1]:443"))).isEqualTo("2001:db8::1");
    assertThat(ip(r.resolve("fd12::5", "2001:db8::2"))).isEqualTo("2001:db8::2");
    assertThat(ip(r.resolve("::ffff:203.0.113.5", null))).isEqualTo("203.0.113.5");
  }

  @Test
  @DisplayName("A trusted-proxy entry that is not an address or CIDR block is refused with a message naming it")
  void badConfiguration() {
    assertThatThrownBy(() -> new ClientIpResolver(List.of("proxy.internal")))
        .hasMessageContaining("proxy.internal");
    assertThatThrownBy(() -> new ClientIpResolver(List.of("10.0.0.0/40")))
        .hasMessageContaining("out of range");
  }
}

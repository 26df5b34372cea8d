package io.trackflow.query.auth;

import io.vertx.core.http.HttpServerRequest;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The client's address for rate limiting: the peer, unless the peer is a trusted proxy, in
 * which case the nearest untrusted address in {@code X-Forwarded-For}.
 */
public final class ClientAddress {

  private record Cidr(BigInteger network, int bits, int length) {}

  private final List<Cidr> trusted;

  public ClientAddress(List<String> trustedProxies) {
    this.trusted = trustedProxies.stream().map(ClientAddress::parse).toList();
  }

  public String of(HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    if (!isTrusted(peer)) {
      return peer;
    }
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null) {
      return peer;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !isTrusted(hop)) {
        return hop;
      }
    }
    return peer;
  }

  boolean isTrusted(String address) {
    if (trusted.isEmpty()) {
      return false;
    }
    byte[] bytes = literal(address);
    if (bytes == null) {
      return false;
    }
    BigInteger value = new BigInteger(1, bytes);
    for (Cidr c : trusted) {
      if (c.length() == bytes.length * 8
          && value.shiftRight(c.length() - c.bits()).equals(c.network().shiftRight(c.length() - c.bits()))) {
        return true;
      }
    }
    return false;
  }

  private static Cidr parse(String spec) {
    String[] parts = spec.trim().split("/");
    byte[] bytes = literal(parts[0]);
    if (bytes == null) {
      throw new IllegalArgumentException("not an IP address or CIDR: " + spec);
    }
    int length = bytes.length * 8;
    int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : length;
    return new Cidr(new BigInteger(1, bytes), bits, length);
  }

  /** Parses only numeric literals, never a host name (no DNS lookup on a request path). */
  private static byte[] literal(String address) {
    if (address == null) {
      return null;
    }
    try {
      if (address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        return InetAddress.getByName(address).getAddress();
      }
      if (address.contains(":") && address.matches("[0-9a-fA-F:.]+")) {
        // Brackets make the JDK accept only an IPv6 literal.
        return InetAddress.getByName("[" + address + "]").getAddress();
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }
}

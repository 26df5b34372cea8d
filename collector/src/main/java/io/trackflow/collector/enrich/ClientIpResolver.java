package io.trackflow.collector.enrich;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the client's IP: the socket's peer, unless that peer is a configured trusted proxy, in
 * which case the right-most address of {@code X-Forwarded-For} that is not itself a trusted proxy
 * (anything further left could have been written by the client). Only IP literals are parsed;
 * nothing is ever resolved through DNS.
 */
public final class ClientIpResolver {

  private final List<Cidr> trusted;

  public ClientIpResolver(List<String> trustedProxies) {
    List<Cidr> parsed = new ArrayList<>();
    for (String entry : trustedProxies) {
      parsed.add(Cidr.parse(entry));
    }
    this.trusted = List.copyOf(parsed);
  }

  /** The client address as bytes (4 or 16), or null when nothing usable was given. */
  public byte[] resolve(String peer, String forwardedFor) {
    byte[] peerBytes = parse(peer);
    if (peerBytes == null || trusted.isEmpty() || !isTrusted(peerBytes)
        || forwardedFor == null || forwardedFor.isBlank()) {
      return peerBytes;
    }
    String[] hops = forwardedFor.split(",");
    byte[] leftmost = peerBytes;
    for (int i = hops.length - 1; i >= 0; i--) {
      byte[] hop = parse(stripPort(hops[i].trim()));
      if (hop == null) {
        return leftmost; // garbage in the header: stop at the last hop we could trust
      }
      if (!isTrusted(hop)) {
        return hop;
      }
      leftmost = hop;
    }
    return leftmost;
  }

  private boolean isTrusted(byte[] address) {
    for (Cidr c : trusted) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** IP literal to 4 or 16 bytes (IPv4-mapped IPv6 becomes IPv4), or null. */
  static byte[] parse(String literal) {
    if (literal == null || literal.isEmpty()) {
      return null;
    }
    String s = literal;
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(s);
    if (bytes != null && bytes.length == 16 && isV4Mapped(bytes)) {
      return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
    }
    return bytes;
  }

  private static String stripPort(String hop) {
    if (hop.startsWith("[")) {
      int close = hop.indexOf(']');
      return close > 0 ? hop.substring(0, close + 1) : hop;
    }
    int colon = hop.indexOf(':');
    // One colon means IPv4 with a port; several mean a bare IPv6 address.
    if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
      return hop.substring(0, colon);
    }
    return hop;
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  /** An address block: an address and how many leading bits must match. */
  record Cidr(byte[] network, int prefixBits) {

    static Cidr parse(String text) {
      String s = text.trim();
      int slash = s.indexOf('/');
      byte[] address = ClientIpResolver.parse(slash < 0 ? s : s.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException("not an IP address or CIDR block: '" + text + "'");
      }
      int bits = address.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        }
        if (bits < 0 || bits > address.length * 8) {
          throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
        }
      }
      return new Cidr(address, bits);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }
}

package io.trackflow.collector.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/1.1 exchange on a fresh connection, the request's bytes exactly as given: for what no
 * client library sends (bytes that are not ASCII in headers, malformed escapes in the target).
 * Each request says {@code Connection: close}, so the answer ends where the connection does.
 */
final class RawHttp {

  /** The status and body of an answer; status -1 when the server closed without answering. */
  record Answer(int status, String head, byte[] body) {}

  private RawHttp() {}

  /** An HTTP/1.1 request with a Content-Length for its body (none for an empty GET). */
  static byte[] request(String method, byte[] target, List<Map.Entry<String, byte[]>> headers, byte[] body) {
    return request(method, target, "HTTP/1.1", headers, body, null);
  }

  /**
   * A request of any version; with {@code chunks} (the body's chunk-size lines, e.g. "a" or a
   * broken one) the body is sent chunked instead, split into as many pieces.
   */
  static byte[] request(String method, byte[] target, String version, List<Map.Entry<String, byte[]>> headers,
      byte[] body, List<String> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((method + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(target);
    out.writeBytes((" " + version + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n").getBytes(StandardCharsets.US_ASCII));
    for (Map.Entry<String, byte[]> h : headers) {
      out.writeBytes((h.getKey() + ": ").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(h.getValue());
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    if (chunks != null) {
      out.writeBytes("Transfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      int at = 0;
      for (int i = 0; i < chunks.size(); i++) {
        int end = i == chunks.size() - 1 ? body.length : Math.min(body.length, at + body.length / chunks.size());
        out.writeBytes((chunks.get(i) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, at, end - at);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        at = end;
      }
      out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      return out.toByteArray();
    }
    if (body.length > 0 || !method.equals("GET")) {
      out.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return out.toByteArray();
  }

  static Answer exchange(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000); // a safety net against a hung server, not a speed limit
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (SocketException answeredEarly) {
        // The server refused before reading everything; what it answered is still to be read.
      }
      byte[] raw = readAll(socket.getInputStream());
      return parse(raw);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      // A reset after the answer (unread request bytes at close) keeps what arrived before it.
    }
    return out.toByteArray();
  }

  private static Answer parse(byte[] raw) {
    int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    if (raw.length < 12 || end < 0) {
      return new Answer(-1, new String(raw, StandardCharsets.ISO_8859_1), new byte[0]);
    }
    String head = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
    // The status line echoes whatever version the request claimed: the code is its second word.
    String[] words = head.split("\r\n", 2)[0].split(" ", 3);
    int status = words.length > 1 && words[1].matches("\\d{3}") ? Integer.parseInt(words[1]) : -1;
    return new Answer(status, head, Arrays.copyOfRange(raw, end + 4, raw.length));
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

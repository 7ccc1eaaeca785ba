package dev.scaleddemo.demoapp.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Encodes responses into one connection's output buffer and writes that buffer to the channel. No other
 * state: what a response says (status, headers, body, whether the connection closes) is its {@link Response}.
 */
final class ResponseWriter {

    private byte[] out = new byte[1024];
    private ByteBuffer outBuf = ByteBuffer.wrap(out);
    private int start;
    private int end;

    /** Bytes encoded but not yet written to the channel. */
    int pending() {
        return end - start;
    }

    /**
     * Appends {@code response} with {@code Date}, {@code Content-Length} and, when it closes the connection
     * (or keeps an HTTP/1.0 one), {@code Connection}. {@code headRequest}: headers only.
     */
    void encode(Response response, boolean headRequest, boolean http11, byte[] dateLine) {
        byte[] sl = Http.statusLine(response.status);
        append(sl);
        append(dateLine);
        for (int i = 0; i + 1 < response.headerCount; i += 2) {
            appendHeader(response.headers[i], response.headers[i + 1]);
        }
        if (response.contentType != null) {
            appendHeader("Content-Type", response.contentType);
        }
        boolean noBody = response.status == 204 || response.status == 304;
        if (!noBody) {
            appendAscii("Content-Length: ");
            appendAscii(Integer.toString(response.body.length));
            append(Http.CRLF);
        }
        if (response.close) {
            appendAscii("Connection: close\r\n");
        } else if (!http11) {
            appendAscii("Connection: keep-alive\r\n");
        }
        append(Http.CRLF);
        if (!headRequest && !noBody) {
            append(response.body);
        }
    }

    /** Appends bytes as they are (e.g. an interim {@code 100 Continue}). */
    void append(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, out, end, b.length);
        end += b.length;
    }

    /** Writes as much as the channel takes; returns the number of bytes written. */
    int writeTo(WritableByteChannel ch) throws IOException {
        if (end == start) {
            return 0;
        }
        outBuf.limit(end).position(start);
        int n = ch.write(outBuf);
        start += n;
        if (start == end) {
            start = 0;
            end = 0;
        }
        return n;
    }

    /** Drops whatever is unsent. */
    void clear() {
        start = 0;
        end = 0;
    }

    private void ensure(int extra) {
        if (end + extra <= out.length) {
            return;
        }
        if (start > 0) {
            System.arraycopy(out, start, out, 0, end - start);
            end -= start;
            start = 0;
            if (end + extra <= out.length) {
                return;
            }
        }
        byte[] bigger = new byte[Math.max(out.length * 2, end + extra)];
        System.arraycopy(out, 0, bigger, 0, end);
        out = bigger;
        outBuf = ByteBuffer.wrap(out);
    }

    private void appendAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            out[end + i] = (byte) s.charAt(i);
        }
        end += n;
    }

    /** "name: value\r\n"; control characters become a space, characters above U+00FF a '?'. */
    private void appendHeader(String name, String value) {
        ensure(name.length() + value.length() + 4);
        int p = end;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            out[p++] = (byte) (c < 0x21 || c > 0x7e || c == ':' ? '_' : c);
        }
        out[p++] = ':';
        out[p++] = ' ';
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out[p++] = (byte) ((c < 0x20 && c != '\t') || c == 0x7f ? ' ' : c > 0xff ? '?' : c);
        }
        out[p++] = '\r';
        out[p++] = '\n';
        end = p;
    }
}

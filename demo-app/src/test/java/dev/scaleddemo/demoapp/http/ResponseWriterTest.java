package dev.scaleddemo.demoapp.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Response encoding, byte for byte, without sockets. */
class ResponseWriterTest {

    private static final byte[] DATE = "Date: Tue, 01 Dec 2026 18:00:00 GMT\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A channel that takes at most {@code max} bytes per write, like a full socket buffer. */
    private static final class Sink implements WritableByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int max;

        Sink(int max) {
            this.max = max;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(max, src.remaining());
            byte[] b = new byte[n];
            src.get(b);
            bytes.write(b, 0, n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static String written(ResponseWriter w, int perWrite) throws IOException {
        Sink sink = new Sink(perWrite);
        while (w.pending() > 0) {
            w.writeTo(sink);
        }
        return sink.bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void keepAliveResponseWithHeadersAndBody() throws IOException {
        ResponseWriter w = new ResponseWriter();
        Response r = new Response();
        r.header("X-Served-By", "pod\r\nInjected: 1").body("application/json", "{}");
        w.encode(r, false, true, DATE);
        assertEquals("HTTP/1.1 200 OK\r\nDate: Tue, 01 Dec 2026 18:00:00 GMT\r\nX-Served-By: pod  Injected: 1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", written(w, 7));
    }

    @Test
    void headCloseAndHttp10Framing() throws IOException {
        ResponseWriter w = new ResponseWriter();
        Response r = new Response();
        r.status(405).header("Allow", "GET").body("text/plain", "no\n").close();
        w.encode(r, true, true, DATE);   // HEAD: headers only, same Content-Length
        r.reset();
        r.status(204);
        w.encode(r, false, false, DATE);   // HTTP/1.0 keep-alive; 204 has no Content-Length
        assertEquals("HTTP/1.1 405 Method Not Allowed\r\nDate: Tue, 01 Dec 2026 18:00:00 GMT\r\nAllow: GET\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\nDate: Tue, 01 Dec 2026 18:00:00 GMT\r\nConnection: keep-alive\r\n\r\n",
                written(w, 1000));
    }
}

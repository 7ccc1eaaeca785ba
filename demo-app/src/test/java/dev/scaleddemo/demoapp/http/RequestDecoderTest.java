package dev.scaleddemo.demoapp.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request decoder without sockets: the same input in any chunking gives the same requests and errors. */
class RequestDecoderTest {

    private static final int MAX_HEAD = 512;
    private static final int MAX_BODY = 64;

    /**
     * Feeds {@code input} in chunks of the given sizes (cycled) and lists what comes out. The body of a
     * request to {@code /read} is read; others are skipped ("CLOSE" when that is not possible).
     */
    private static List<String> decode(String input, int... chunks) {
        byte[] in = input.getBytes(StandardCharsets.ISO_8859_1);
        RequestDecoder d = new RequestDecoder(MAX_HEAD, 10, MAX_BODY);
        List<String> out = new ArrayList<>();
        int pos = 0;
        int c = 0;
        while (true) {
            RequestDecoder.Event e = d.next();
            switch (e) {
                case HEAD -> {
                    Request r = d.request();
                    out.add("HEAD " + r.method() + " " + r.path());
                    if ("/read".equals(r.path())) {
                        if (!d.readBody()) {
                            out.add("TOO LARGE");
                            return out;
                        }
                    } else if (!d.skipBody()) {
                        out.add("CLOSE");
                        return out;
                    }
                }
                case BODY_DONE -> out.add("BODY " + d.request().bodyBytes());
                case ERROR -> {
                    out.add("ERROR " + d.error());
                    return out;
                }
                case NEED_MORE -> {
                    if (pos == in.length) {
                        return out;
                    }
                    int n = Math.min(in.length - pos, chunks[c++ % chunks.length]);
                    int taken = d.feed(in, pos, n);
                    assertTrue(taken > 0, "decoder takes input when it needs more");
                    pos += taken;
                }
            }
        }
    }

    /** Same events for one chunk, byte by byte, every two-way split and random chunkings. */
    private static List<String> decodeAnyChunking(String input) {
        List<String> whole = decode(input, Integer.MAX_VALUE);
        assertEquals(whole, decode(input, 1), "byte by byte");
        for (int split = 1; split < input.length(); split++) {
            assertEquals(whole, decode(input, split, Integer.MAX_VALUE), "split at " + split);
        }
        Random random = new Random(input.hashCode());
        for (int i = 0; i < 20; i++) {
            int[] sizes = random.ints(8, 1, 12).toArray();
            assertEquals(whole, decode(input, sizes), "chunks " + java.util.Arrays.toString(sizes));
        }
        return whole;
    }

    private static final String CHUNKED = "POST /read HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";

    @Test
    void pipelinedRequestsInAnyChunking() {
        String input = "GET /a HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /read HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}"
                + CHUNKED + "1\r\n{\r\n1;ext=1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n"
                + "GET /skip HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
                + "\r\n\r\nGET /b?q HTTP/1.0\r\n\r\n";
        assertEquals(List.of("HEAD GET /a", "HEAD POST /read", "BODY 2", "HEAD POST /read", "BODY 2",
                "HEAD GET /skip", "HEAD GET /b"), decodeAnyChunking(input));
    }

    @Test
    void emptyLinesBeforeARequestAreBounded() {
        int max = ServerOptions.MAX_LEADING_EMPTY_LINES;
        String get = "GET /a HTTP/1.1\r\nHost: t\r\n\r\n";
        assertEquals(List.of("HEAD GET /a"), decodeAnyChunking("\r\n".repeat(max) + get));
        assertEquals(List.of("ERROR 400"), decodeAnyChunking("\r\n".repeat(max + 1) + get));
        assertEquals(List.of("HEAD GET /a", "HEAD GET /a"), decodeAnyChunking(get + "\r\n".repeat(max) + get),
                "the count starts again for every request");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /a HTTP/1.1\nHost: t\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: t\n\r\n",
            "GET /a HTTP/1.1\r\nHost: t\r\n\n",
            "\nGET /a HTTP/1.1\r\nHost: t\r\n\r\n",
            "\r\n\nGET /a HTTP/1.1\r\nHost: t\r\n\r\n",
            CHUNKED + "2\n{}\r\n0\r\n\r\n",
            CHUNKED + "2\r\n{}\n0\r\n\r\n",
            CHUNKED + "2\r\n{}\r\n0\n\r\n",
            CHUNKED + "2\r\n{}\r\n0\r\n\n",
            CHUNKED + "2\r\n{}\r\n0\r\nX: 1\n\r\n",
            CHUNKED + "2\r\n{}\r\n0\r\nX : 1\r\n\r\n",
            CHUNKED + "2\r\n{}\r\n0\r\n folded\r\n\r\n",
            CHUNKED + "2\r\n{}\r\n0\r\nno colon\r\n\r\n",
            CHUNKED + "2\r\n{}XX"})
    void bareLineFeedsAndMalformedTrailersAre400(String input) {
        List<String> events = decodeAnyChunking(input);
        assertEquals("ERROR 400", events.get(events.size() - 1), events.toString());
        assertFalse(events.contains("BODY 2"), "no request completes");
    }

    @Test
    void pathOfEachTargetForm() {
        assertEquals(List.of("HEAD GET /a/b%2F", "HEAD OPTIONS *", "HEAD GET /x", "HEAD GET "),
            decodeAnyChunking("GET /a/b%2F?q=1 HTTP/1.1\r\nHost: h\r\n\r\n"
                + "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET http://h:8080/x?y HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET http://h?y HTTP/1.1\r\nHost: h\r\n\r\n"));
    }

    @Test
    void limits() {
        assertEquals(List.of("ERROR 431"),
                decodeAnyChunking("GET /a HTTP/1.1\r\nHost: t\r\nX: " + "a".repeat(MAX_HEAD) + "\r\n\r\n"));
        assertEquals(List.of("ERROR 414"), decode("GET /" + "a".repeat(MAX_HEAD + 10), 7));
        assertEquals(List.of("HEAD POST /read", "ERROR 413"),
                decodeAnyChunking(CHUNKED + "40\r\n" + "x".repeat(64) + "\r\n1\r\nx\r\n0\r\n\r\n"));
        assertEquals(List.of("HEAD POST /read", "TOO LARGE"),
                decode("POST /read HTTP/1.1\r\nHost: t\r\nContent-Length: 65\r\n\r\n", Integer.MAX_VALUE));
        assertEquals(List.of("HEAD GET /skip", "CLOSE"),
                decode("GET /skip HTTP/1.1\r\nHost: t\r\nContent-Length: 65\r\n\r\n", Integer.MAX_VALUE));
        assertEquals(List.of("HEAD POST /skip", "CLOSE"),
                decode(CHUNKED.replace("/read", "/skip") + "0\r\n\r\n", Integer.MAX_VALUE));
    }

    @Test
    void progressOfTheCurrentRequest() {
        RequestDecoder d = new RequestDecoder(MAX_HEAD, 10, MAX_BODY);
        assertTrue(d.atBoundary());
        assertEquals(0, d.messages());
        feed(d, "\r\n");
        assertEquals(RequestDecoder.Event.NEED_MORE, d.next());
        assertTrue(d.inHead(), "an empty line starts the request (and its timeout)");
        assertEquals(1, d.messages());
        feed(d, "GET /skip HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\na");
        assertEquals(RequestDecoder.Event.HEAD, d.next());
        assertTrue(d.skipBody());
        assertEquals(RequestDecoder.Event.NEED_MORE, d.next());
        assertTrue(d.skippingBody());
        assertFalse(d.inHead());
        feed(d, "bc");
        assertEquals(RequestDecoder.Event.NEED_MORE, d.next());
        assertTrue(d.atBoundary());
        feed(d, "G");
        assertEquals(RequestDecoder.Event.NEED_MORE, d.next());
        assertEquals(2, d.messages());
    }

    private static void feed(RequestDecoder d, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(b.length, d.feed(b, 0, b.length));
    }
}

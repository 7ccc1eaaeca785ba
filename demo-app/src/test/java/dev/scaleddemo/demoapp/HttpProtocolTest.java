package dev.scaleddemo.demoapp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP/1.1 protocol edge cases of the server, on raw sockets (exact bytes on the wire). */
class HttpProtocolTest {

    private static final long IDLE_MILLIS = 400;
    private static final long REQUEST_MILLIS = 1500;   // generous: the fragmented-request test trickles bytes
    private static DemoApp app;

    @BeforeAll
    static void startServer() throws Exception {
        Config config = TestApps.loopbackConfig(0, 2000);
        app = TestApps.start(config, TestApps.options(config, IDLE_MILLIS, REQUEST_MILLIS));
    }

    @AfterAll
    static void stopServer() {
        app.stop();
    }

    private static RawHttp connect() throws IOException {
        return new RawHttp(app.port());
    }

    private static String click(String extraHeaders, String body) {
        return "POST /click-button HTTP/1.1\r\nHost: t\r\n" + extraHeaders
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static final String GET_HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        long before = app.clickCount();
        try (RawHttp c = connect()) {
            // five requests in one write, mixed routes, one with a body
            c.send(click("", "") + GET_HEALTHZ + "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n" + click("", "{}")
                    + "GET /clicks HTTP/1.1\r\nHost: t\r\n\r\n");
            RawHttp.Reply r1 = c.read();
            assertEquals(200, r1.status());
            assertEquals("{}", r1.body());
            assertEquals(Long.toString(before + 1), r1.header("X-Clicks-Total"));
            RawHttp.Reply r2 = c.read();
            assertEquals(200, r2.status());
            assertEquals("ok\n", r2.body());
            assertEquals(404, c.read().status());
            RawHttp.Reply r4 = c.read();
            assertEquals(200, r4.status());
            assertEquals(Long.toString(before + 2), r4.header("X-Clicks-Total"));
            RawHttp.Reply r5 = c.read();
            assertEquals(200, r5.status());
            assertTrue(r5.body().startsWith("{\"total\":" + (before + 2) + ","), r5.body());
            assertFalse(c.closedWithin(100), "keep-alive after a pipelined batch");
        }
        assertEquals(before + 2, app.clickCount());
    }

    @Test
    void manyPipelinedRequestsWithBackPressure() throws Exception {
        // ~2000 requests written before any response is read: the server must stop reading while
        // its unsent responses pile up and resume when the client reads, answering each exactly once.
        long before = app.clickCount();
        int n = 2000;
        try (RawHttp c = connect()) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < n; i++) {
                all.append(i % 2 == 0 ? click("", "") : "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            }
            Thread writer = new Thread(() -> {
                try {
                    c.send(all.toString());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            for (int i = 0; i < n; i++) {
                RawHttp.Reply r = c.read();
                assertEquals(200, r.status(), "response " + i);
                assertEquals(i % 2 == 0 ? "application/json" : "text/html; charset=utf-8", r.header("Content-Type"));
            }
            writer.join(10_000);
        }
        assertEquals(before + n / 2, app.clickCount());
    }

    @Test
    void halfClosingClientStillGetsAllResponses() throws Exception {
        // Pipelined scrapes, then the client shuts down its sending side (like `nc -N`) before reading:
        // every response is still delivered in full, then the server closes. (Whether the server reads
        // the EOF while responses are still queued in user space depends on the kernel's loopback buffer
        // sizes, which auto-tune to ~1 MiB, so that exact path is not forced here.)
        int n = 20;
        try (RawHttp c = new RawHttp(app.port(), 4096)) {
            c.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n".repeat(n));
            c.socket().shutdownOutput();
            Thread.sleep(300);
            for (int i = 0; i < n; i++) {
                RawHttp.Reply r = c.read();
                assertEquals(200, r.status(), "response " + i);
                assertTrue(r.body().contains("demo_app_button_clicks_total "), "complete body " + i);
            }
            assertTrue(c.closedWithin(3000));
        }
        assertEquals(0, app.inFlight());
    }

    @Test
    void fragmentedRequestIsReassembled() throws Exception {
        long before = app.clickCount();
        try (RawHttp c = connect()) {
            byte[] req = click("Content-Type: application/json\r\n", "{}").getBytes(StandardCharsets.US_ASCII);
            for (byte b : req) {      // one byte per TCP segment (TCP_NODELAY)
                c.send(new byte[] {b});
                Thread.sleep(1);
            }
            RawHttp.Reply r = c.read();
            assertEquals(200, r.status());
            assertEquals("{}", r.body());
            // and a second request split exactly inside the blank line that ends the head
            c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r");
            Thread.sleep(50);
            c.send("\n");
            assertEquals(200, c.read().status());
        }
        assertEquals(before + 1, app.clickCount());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "GET\\r\\n\\r\\n|400",
            "GET  / HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400",
            "GET / HTTP/1.1 x\\r\\nHost: t\\r\\n\\r\\n|400",
            "G(T / HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400",
            "GET /a\\u0001b HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400",
            "GET / FTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400",
            "GET noslash HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400",
            "\\u0016\\u0003\\u0001\\u0000\\u00a5\\u0001\\u0000\\r\\n\\r\\n|400",
            "GET / HTTP/2.0\\r\\nHost: t\\r\\n\\r\\n|505",
            "GET / HTTP/1.1\\r\\n\\r\\n|400",
            "GET / HTTP/1.1\\r\\nHost: t\\r\\nHost: u\\r\\n\\r\\n|400",
            "GET / HTTP/1.1\\r\\nHost : t\\r\\n\\r\\n|400",
            "GET / HTTP/1.1\\r\\nHost: t\\r\\nX-A: 1\\r\\n folded\\r\\n\\r\\n|400",
            "GET / HTTP/1.1\\r\\nHost: t\\r\\nNoColon\\r\\n\\r\\n|400",
            "GET / HTTP/1.1\\r\\nHost: t\\r\\nX-A: a\\rb\\r\\n\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: abc\\r\\n\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\nxy|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n|501",
            "POST /click-button HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nExpect: something\\r\\nContent-Length: 0\\r\\n\\r\\n|417",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\n{}XX|400",
            // CRLF only (RFC 9112 2.2 leaves bare LF to the recipient; a strict front proxy frames it differently)
            "GET /healthz HTTP/1.1\\nHost: t\\r\\n\\r\\n|400",
            "GET /healthz HTTP/1.1\\r\\nHost: t\\n\\r\\n|400",
            "GET /healthz HTTP/1.1\\r\\nHost: t\\r\\n\\n|400",
            "GET /healthz HTTP/1.1\\nHost: t\\n\\n|400",
            "\\nGET /healthz HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\n{}\\r\\n0\\r\\n\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\n{}\\n0\\r\\n\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\n{}\\r\\n0\\n\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\n{}\\r\\n0\\r\\n\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\n{}\\r\\n0\\r\\nX-T: 1\\n\\r\\n|400",
            // trailer fields are checked like header fields
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\n{}\\r\\n0\\r\\nno colon\\r\\n\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\n{}\\r\\n0\\r\\nX-T : 1\\r\\n\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\n{}\\r\\n0\\r\\nX-T: 1\\r\\n folded\\r\\n\\r\\n|400",
            "POST /click-button HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\n{}\\r\\n0\\r\\nX-T: a\\u0001b\\r\\n\\r\\n|400",
            // absolute-form is http:// or https:// with a host, nothing else
            "GET httpfoo://t/healthz HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400",
            "GET http:///healthz HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400",
            "GET http://t:80x/healthz HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400",
            "GET http://u@t/healthz HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400",
            "GET ftp://t/healthz HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400"})
    void malformedRequestsAreRejectedAndTheConnectionClosed(String request, int status) throws Exception {
        long before = app.clickCount();
        String raw = request.replace("\\r", "\r").replace("\\n", "\n");
        raw = java.util.regex.Pattern.compile("\\\\u([0-9a-f]{4})").matcher(raw)
                .replaceAll(m -> String.valueOf((char) Integer.parseInt(m.group(1), 16)));
        try (RawHttp c = connect()) {
            RawHttp.Reply r = c.exchange(raw);
            assertEquals(status, r.status(), r.statusLine());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedWithin(3000), "connection closed after " + status);
        }
        assertEquals(before, app.clickCount(), "a rejected request never counts");
        assertEquals(0, app.inFlight());
    }

    @Test
    void oversizedHeadIs431AndOversizedRequestLineIs414() throws Exception {
        try (RawHttp c = connect()) {
            RawHttp.Reply r = c.exchange("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");
            assertEquals(431, r.status());
            assertTrue(c.closedWithin(3000));
        }
        try (RawHttp c = connect()) {   // head limit reached before the blank line has arrived
            RawHttp.Reply r = c.exchange("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(20_000));
            assertEquals(431, r.status());
            assertTrue(c.closedWithin(3000));
        }
        try (RawHttp c = connect()) {
            StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: t\r\n");
            for (int i = 0; i < 150; i++) {
                many.append("X-").append(i).append(": v\r\n");
            }
            assertEquals(431, c.exchange(many + "\r\n").status());
        }
        try (RawHttp c = connect()) {
            RawHttp.Reply r = c.exchange("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(414, r.status());
            assertTrue(c.closedWithin(3000));
        }
        // a head just under the limit is fine
        try (RawHttp c = connect()) {
            assertEquals(200, c.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(7000) + "\r\n\r\n").status());
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        try (RawHttp c = connect()) {
            assertEquals(200, c.exchange(GET_HEALTHZ).status());
            long t0 = System.nanoTime();
            assertTrue(c.closedWithin(5000), "idle connection closed");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= IDLE_MILLIS - 100 && ms < IDLE_MILLIS + 2000, "closed after " + ms + " ms");
        }
        // a connection that never sends anything is closed too
        try (RawHttp c = connect()) {
            assertTrue(c.closedWithin(5000));
        }
    }

    @Test
    void stalledRequestGets408AndIsClosed() throws Exception {
        long before = app.clickCount();
        try (RawHttp c = connect()) {
            c.send("GET /healthz HTTP/1.1\r\nHo");   // head never completes
            RawHttp.Reply r = c.read();
            assertEquals(408, r.status());
            assertTrue(c.closedWithin(3000));
        }
        try (RawHttp c = connect()) {
            c.send(click("", "{}").substring(0, click("", "{}").length() - 1));   // body never completes
            RawHttp.Reply r = c.read();
            assertEquals(408, r.status());
            assertTrue(c.closedWithin(3000));
        }
        assertEquals(before, app.clickCount());
        assertEquals(0, app.inFlight());
    }

    @Test
    void leadingEmptyLinesDoNotKeepAConnectionOpen() throws Exception {
        // One CRLF every 250 ms (within the idle timeout, and fewer than the bound on empty lines before the
        // request timeout) must not hold the connection: the request timeout runs from the first byte.
        try (RawHttp c = connect()) {
            long t0 = System.nanoTime();
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        c.send("\r\n");
                        Thread.sleep(250);
                    }
                } catch (IOException | InterruptedException e) {
                    // the server has closed the connection
                }
            });
            trickle.start();
            RawHttp.Reply r = c.read();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(408, r.status());
            assertTrue(ms >= REQUEST_MILLIS - 100 && ms < REQUEST_MILLIS + 1500, "408 after " + ms + " ms");
            assertTrue(c.closedWithin(3000));
            trickle.join(10_000);
        }
        int max = dev.scaleddemo.demoapp.http.ServerOptions.MAX_LEADING_EMPTY_LINES;
        try (RawHttp c = connect()) {   // up to the bound: ignored (RFC 9112 2.2)
            assertEquals(200, c.exchange("\r\n".repeat(max) + GET_HEALTHZ).status());
        }
        try (RawHttp c = connect()) {   // past it: refused
            RawHttp.Reply r = c.exchange("\r\n".repeat(max + 1) + GET_HEALTHZ);
            assertEquals(400, r.status());
            assertTrue(c.closedWithin(3000));
        }
        assertEquals(0, app.inFlight());
    }

    @Test
    void skippedBodyThatNeverCompletesGetsNoSecondResponse() throws Exception {
        // The 200 is sent as soon as the head is read; the 5-byte body is skipped. When the client never
        // sends all of it, the connection is closed at the request timeout without another response.
        try (RawHttp c = connect()) {
            RawHttp.Reply r = c.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhe");
            assertEquals(200, r.status());
            assertTrue(c.closedWithin(REQUEST_MILLIS + 2000), "closed, and no byte after the 200");
        }
        assertEquals(0, app.inFlight());
    }

    @Test
    void pastTheConnectionLimitNewConnectionsWaitInTheBacklog() throws Exception {
        // At the limit the server stops accepting: a further client is queued by the kernel (no file
        // descriptor in the server, no response) and is served as soon as another connection closes.
        int limit = 3;
        Config config = TestApps.loopbackConfig(0, 2000);
        DemoApp limited = TestApps.start(config, TestApps.options(config, 5000, 5000).withMaxConnections(limit));
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < limit; i++) {
                RawHttp c = new RawHttp(limited.port());
                held.add(c);
                assertEquals(200, c.exchange(GET_HEALTHZ).status());
            }
            try (RawHttp waiting = new RawHttp(limited.port())) {   // the kernel completes the handshake
                waiting.send(GET_HEALTHZ);
                waiting.socket().setSoTimeout(500);
                assertThrows(java.net.SocketTimeoutException.class, waiting::read, "no answer past the limit");
                assertEquals(limit, limited.server().openConnections());
                waiting.socket().setSoTimeout(5000);
                held.remove(0).close();
                long t0 = System.nanoTime();
                assertEquals(200, waiting.read().status(), "served once a slot is free");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(ms < 3000, "served " + ms + " ms after a slot was freed");
                assertTrue(limited.server().openConnections() <= limit);
            }
        } finally {
            for (RawHttp c : held) {
                c.close();
            }
            limited.stop();
        }
    }

    @Test
    void keepAliveReusesOneConnection() throws Exception {
        long accepted = app.server().connectionsAccepted();
        try (RawHttp c = connect()) {
            for (int i = 0; i < 50; i++) {
                RawHttp.Reply r = c.exchange(i % 2 == 0 ? click("", "") : GET_HEALTHZ);
                assertEquals(200, r.status());
                assertNull(r.header("Connection"), "HTTP/1.1 keep-alive is implicit");
            }
        }
        assertEquals(accepted + 1, app.server().connectionsAccepted());
    }

    @Test
    void connectionCloseAndHttp10() throws Exception {
        try (RawHttp c = connect()) {
            RawHttp.Reply r = c.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedWithin(3000));
        }
        try (RawHttp c = connect()) {
            RawHttp.Reply r = c.exchange("GET /healthz HTTP/1.0\r\n\r\n");
            assertEquals(200, r.status());
            assertTrue(c.closedWithin(3000), "HTTP/1.0 closes by default");
        }
        try (RawHttp c = connect()) {
            RawHttp.Reply r = c.exchange("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("keep-alive", r.header("Connection"));
            assertEquals(200, c.exchange("GET /readyz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status());
        }
    }

    @Test
    void headResponseHasNoBodyAndKeepsFraming() throws Exception {
        try (RawHttp c = connect()) {
            c.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n" + GET_HEALTHZ);
            RawHttp.Reply head = c.read(true);
            assertEquals(405, head.status());   // routes answer GET only, as before
            assertEquals("GET", head.header("Allow"));
            assertTrue(Integer.parseInt(head.header("Content-Length")) > 0);
            RawHttp.Reply next = c.read();       // would be garbage if a body had followed the HEAD response
            assertEquals(200, next.status());
            assertEquals("ok\n", next.body());
        }
    }

    @Test
    void chunkedBodies() throws Exception {
        long before = app.clickCount();
        try (RawHttp c = connect()) {
            String chunked = "POST /click-button HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "1\r\n{\r\n1;ext=1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n";
            RawHttp.Reply r = c.exchange(chunked);
            assertEquals(200, r.status());
            assertEquals("{}", r.body());
            assertEquals(200, c.exchange(GET_HEALTHZ).status(), "connection reusable after a chunked body");
            // chunks totalling more than MAX_BODY_BYTES: 413, not counted, connection closed
            int max = app.config().maxBodyBytes();
            RawHttp.Reply big = c.exchange("POST /click-button HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(max) + "\r\n" + "x".repeat(max) + "\r\n1\r\nx\r\n0\r\n\r\n");
            assertEquals(413, big.status());
            assertTrue(c.closedWithin(3000));
        }
        assertEquals(before + 1, app.clickCount());
    }

    @Test
    void expectContinue() throws Exception {
        long before = app.clickCount();
        try (RawHttp c = connect()) {
            c.send("POST /click-button HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
            RawHttp.Reply interim = c.read();
            assertEquals(100, interim.status());
            RawHttp.Reply r = c.send("{}").read();
            assertEquals(200, r.status());
        }
        try (RawHttp c = connect()) {   // too large: final answer straight away, no 100
            c.send("POST /click-button HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n");
            assertEquals(413, c.read().status());
            assertTrue(c.closedWithin(3000));
        }
        assertEquals(before + 1, app.clickCount());
    }

    @Test
    void bodyOnOtherRoutesIsSkippedOrEndsTheConnection() throws Exception {
        try (RawHttp c = connect()) {
            // small body on a route that ignores it: skipped, connection kept
            c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" + GET_HEALTHZ);
            assertEquals(200, c.read().status());
            assertEquals(200, c.read().status());
            // large body on a 405: answered, then closed (not drained)
            RawHttp.Reply r = c.exchange("PUT /clicks HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\nxx");
            assertEquals(405, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedWithin(3000));
        }
    }

    @Test
    void requestTargetForms() throws Exception {
        try (RawHttp c = connect()) {
            assertEquals(200, c.exchange("GET /healthz?probe=1 HTTP/1.1\r\nHost: t\r\n\r\n").status());
            assertEquals(200, c.exchange("GET http://t/healthz HTTP/1.1\r\nHost: t\r\n\r\n").status());
            assertEquals(200, c.exchange("GET HTTPS://t:8443/healthz HTTP/1.1\r\nHost: t\r\n\r\n").status());
            assertEquals(200, c.exchange("GET http://[::1]:80/healthz?x HTTP/1.1\r\nHost: t\r\n\r\n").status());
            assertEquals(404, c.exchange("GET /healthz%2F HTTP/1.1\r\nHost: t\r\n\r\n").status());
            assertEquals(404, c.exchange("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n").status());
            // empty lines before a request line are ignored
            assertEquals(200, c.exchange("\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").status());
        }
    }

    @Test
    void noThreadOrConnectionLeakAfterManyConnections() throws Exception {
        int ioThreads = app.server().options().ioThreads();
        assertEquals(ioThreads, httpThreads());
        // many short connections with a full exchange each
        for (int i = 0; i < 300; i++) {
            try (RawHttp c = connect()) {
                assertEquals(200, c.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").status());
            }
        }
        // many concurrent connections dropped by the client in various states
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", app.port()), 2000);
                OutputStream o = s.getOutputStream();
                switch (i % 4) {
                    case 0 -> o.write("GET /heal".getBytes(StandardCharsets.US_ASCII));
                    case 1 -> o.write(click("", "{").getBytes(StandardCharsets.US_ASCII));
                    case 2 -> o.write("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    default -> { }
                }
                o.flush();
                sockets.add(s);
            }
        } finally {
            for (Socket s : sockets) {
                s.setSoLinger(true, 0);   // reset, not a clean close
                s.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((app.server().openConnections() > 0 || app.inFlight() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, app.server().openConnections(), "all connections closed");
        assertEquals(0, app.inFlight(), "no request left in flight");
        assertEquals(ioThreads, httpThreads(), "no thread per connection");
        try (RawHttp c = connect()) {
            assertEquals(200, c.exchange(GET_HEALTHZ).status(), "still serving");
        }
    }

    private static long httpThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("http-")).count();
    }
}

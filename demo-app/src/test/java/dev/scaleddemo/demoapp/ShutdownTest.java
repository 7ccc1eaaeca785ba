package dev.scaleddemo.demoapp;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShutdownTest {

    private static void awaitCondition(String what, long timeoutMillis, java.util.function.BooleanSupplier cond)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void inFlightRequestCompletesAndReadinessFlipsBeforeListenerCloses() throws Exception {
        DemoApp app = TestApps.start(TestApps.loopbackConfig(1000, 5000));
        int port = app.port();
        HttpClient http = TestApps.client();
        CompletableFuture<Void> stopping = null;
        try (Socket slow = new Socket()) {
            slow.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            slow.setSoTimeout(10_000);
            OutputStream out = slow.getOutputStream();
            // Start a click whose body is only half uploaded: the handler is now in flight.
            out.write(("POST /click-button HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n"
                    + "Connection: close\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitCondition("request in flight", 5000, () -> app.inFlight() == 1);

            long t0 = System.nanoTime();
            stopping = CompletableFuture.runAsync(app::stop);

            // Readiness flips to 503 while the listener still accepts connections.
            awaitCondition("readiness 503", 2000, () -> {
                try {
                    return TestApps.send(http, HttpRequest.newBuilder(TestApps.uri(app, "/readyz")).GET())
                            .statusCode() == 503;
                } catch (Exception e) {
                    throw new AssertionError("listener closed before readiness flipped", e);
                }
            });
            assertFalse(app.isReady());
            assertEquals(200, TestApps.send(http, HttpRequest.newBuilder(TestApps.uri(app, "/healthz")).GET())
                    .statusCode(), "liveness still answers while draining");

            // Let the drain period pass; the in-flight request keeps the server up.
            long drainEnd = t0 + TimeUnit.MILLISECONDS.toNanos(1300);
            while (System.nanoTime() < drainEnd) {
                Thread.sleep(10);
            }
            assertFalse(stopping.isDone(), "must wait for the in-flight request");

            // Finish the upload: the request completes normally.
            out.write('}');
            out.flush();
            String response = readAll(slow.getInputStream());
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.endsWith("{}"), response);

            stopping.get(5, TimeUnit.SECONDS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(tookMs < 5000, "within grace period: " + tookMs + " ms");
            assertEquals(1, app.clickCount());
        } finally {
            if (stopping == null) {
                app.stop();
            }
        }
        // Listener is closed now.
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        });
    }

    @Test
    void livenessAnswers200AfterTheDrainWhileServing() throws Exception {
        // After the drain period new requests get 503, but /healthz keeps answering 200 for as long as the
        // server serves (a liveness probe failing during a graceful drain would have the kubelet kill the pod).
        DemoApp app = TestApps.start(TestApps.loopbackConfig(100, 5000));
        try (RawHttp held = new RawHttp(app.port()); RawHttp probe = new RawHttp(app.port())) {
            held.send("POST /click-button HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{");
            awaitCondition("request in flight", 5000, () -> app.inFlight() == 1);
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(app::stop);
            try (RawHttp other = new RawHttp(app.port())) {
                awaitCondition("drain over", 3000, () -> {
                    try {
                        return other.exchange("GET /clicks HTTP/1.1\r\nHost: t\r\n\r\n").status() == 503;
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
            }
            RawHttp.Reply live = probe.exchange("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(200, live.status(), "liveness after the drain");
            assertEquals("ok\n", live.body());
            try (RawHttp ready = new RawHttp(app.port())) {
                assertEquals(503, ready.exchange("GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n").status());
            }
            held.send("}");
            assertEquals(200, held.read().status(), "the admitted click completes");
            stopping.get(5, TimeUnit.SECONDS);
        } finally {
            app.stop();
        }
    }

    @Test
    void idleShutdownIsQuickAndLeavesNoThreads() throws Exception {
        DemoApp app = TestApps.start(TestApps.loopbackConfig(0, 5000));
        HttpClient http = TestApps.client();
        assertEquals(200, TestApps.send(http, HttpRequest.newBuilder(TestApps.uri(app, "/readyz")).GET()).statusCode());
        long t0 = System.nanoTime();
        app.stop();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(tookMs < 1000, "idle shutdown took " + tookMs + " ms");
        app.stop(); // idempotent
        awaitCondition("handler threads gone", 2000, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && (t.getName().startsWith("http-") || t.getName().startsWith("HTTP-Dispatcher"))));
    }

    @Test
    void gracePeriodBoundsShutdownWithStuckRequest() throws Exception {
        DemoApp app = TestApps.start(TestApps.loopbackConfig(0, 700));
        try (Socket stuck = new Socket()) {
            stuck.connect(new InetSocketAddress("127.0.0.1", app.port()), 2000);
            stuck.getOutputStream().write(("POST /click-button HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            stuck.getOutputStream().flush();
            awaitCondition("request in flight", 5000, () -> app.inFlight() == 1);
            long t0 = System.nanoTime();
            app.stop();
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(tookMs >= 600 && tookMs < 2000, "stop bounded by grace period: " + tookMs + " ms");
        }
        assertEquals(0, app.clickCount());
    }
}

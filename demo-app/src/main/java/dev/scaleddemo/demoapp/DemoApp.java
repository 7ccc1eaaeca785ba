package dev.scaleddemo.demoapp;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tiny click-counter web app exposing a Prometheus counter. JDK HTTP server, no framework.
 */
public final class DemoApp {

    static {
        // Server tunables are read once when the JDK HTTP server classes load, so set them first.
        // Explicit -D flags on the command line win.
        defaultProperty("sun.net.httpserver.nodelay", "true");      // no Nagle delay on small responses
        defaultProperty("sun.net.httpserver.idleInterval", "30");   // close idle keep-alive connections (s)
        defaultProperty("sun.net.httpserver.maxIdleConnections", "200");
        defaultProperty("sun.net.httpserver.maxReqTime", "10");     // slow/stalled request upload (s)
        defaultProperty("sun.net.httpserver.maxRspTime", "10");     // slow response download (s)
    }

    static final String ALLOW_GET = "GET";
    static final String ALLOW_POST = "POST";
    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK_BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_READY_BODY = "shutting down\n".getBytes(StandardCharsets.US_ASCII);

    private final Config config;
    private final String hostname;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter clicks;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final byte[] indexHtml;
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private final AtomicBoolean stopped = new AtomicBoolean(false);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object inFlightLock = new Object();
    private final CompletableFuture<Void> jvmMetricsRegistered = new CompletableFuture<>();
    private HttpServer server;
    private ExecutorService executor;

    public DemoApp(Config config) {
        this.config = config;
        this.hostname = resolveHostname();
        this.clicks = Counter.builder()
                .name(config.counterBaseName())
                .help("Total number of times the demo app's button was clicked.")
                .register(registry);
        this.indexHtml = IndexPage.render().getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) {
        long t0 = ManagementFactory.getRuntimeMXBean().getStartTime();
        Config config;
        try {
            config = Config.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            log("invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        DemoApp app = new DemoApp(config);
        try {
            app.start();
        } catch (IOException | UncheckedIOException e) {
            log("failed to bind " + config.bindAddress() + ":" + config.port() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "shutdown"));
        log("started: listening on " + config.bindAddress() + ":" + app.port()
                + " host=" + app.hostname + " metric=" + config.wireName()
                + " threads=" + config.threads()
                + " startup_ms=" + (System.currentTimeMillis() - t0));
    }

    /** Binds and starts serving; readiness becomes 200 once this returns. */
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.port());
        HttpServer s = HttpServer.create(addr, 1024);
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(config.threads(), config.threads(), 0L, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        s.setExecutor(executor);
        s.createContext("/", this::handle);
        s.start();
        server = s;
        ready.set(true);
        // JVM/process metrics need JMX, which takes ~100-200 ms to initialise: keep it off the
        // startup path. Until it is done /metrics simply lacks the jvm_* and process_* families.
        Thread init = new Thread(() -> {
            try {
                JvmMetrics.builder().register(registry);
                jvmMetricsRegistered.complete(null);
            } catch (RuntimeException | Error e) {
                jvmMetricsRegistered.completeExceptionally(e);
                log("failed to register JVM metrics: " + e);
            }
        }, "jvm-metrics-init");
        init.setDaemon(true);
        init.start();
    }

    /** Completes once the JVM and process metrics are registered. */
    public CompletableFuture<Void> jvmMetricsRegistered() {
        return jvmMetricsRegistered;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String hostname() {
        return hostname;
    }

    public long clickCount() {
        return (long) clicks.get();
    }

    /** Number of exchanges currently inside a handler. */
    int inFlight() {
        return inFlight.get();
    }

    public Config config() {
        return config;
    }

    public boolean isReady() {
        return ready.get();
    }

    /**
     * Graceful shutdown: readiness flips to 503, after the drain period new requests are refused,
     * in-flight requests are allowed to finish, then the listener and all connections are closed.
     * Returns within roughly the configured grace period. Idempotent.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true) || server == null) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(config.graceMillis());
        ready.set(false);
        log("shutdown: readiness now 503, draining for " + config.drainMillis() + " ms");
        sleepUntil(start + TimeUnit.MILLISECONDS.toNanos(config.drainMillis()));
        accepting.set(false);
        boolean drained = awaitInFlight(deadline);
        int abandoned = inFlight.get();
        // Closes the listener and every connection; in-flight work is already done (or out of time).
        server.stop(0);
        executor.shutdown();
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!executor.awaitTermination(left + TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        log("shutdown: complete in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms"
                + (drained ? "" : " (grace period expired with " + abandoned + " request(s) in flight)"));
    }

    private boolean awaitInFlight(long deadlineNanos) {
        synchronized (inFlightLock) {
            while (inFlight.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(inFlightLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---------------------------------------------------------------- request handling

    private void handle(HttpExchange ex) {
        inFlight.incrementAndGet();
        try {
            if (!accepting.get()) {
                ex.getResponseHeaders().set("Connection", "close");
                send(ex, 503, "text/plain; charset=utf-8", NOT_READY_BODY);
                return;
            }
            route(ex);
        } catch (IOException e) {
            // client went away mid-exchange: nothing useful to do
        } catch (RuntimeException e) {
            try {
                send(ex, 500, "text/plain; charset=utf-8", "internal error\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException | RuntimeException ignored) {
                // headers may already be sent
            }
        } finally {
            ex.close();
            if (inFlight.decrementAndGet() == 0 && !accepting.get()) {
                synchronized (inFlightLock) {
                    inFlightLock.notifyAll();
                }
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        switch (path) {
            case "/" -> {
                if (requireMethod(ex, method, ALLOW_GET)) {
                    send(ex, 200, "text/html; charset=utf-8", indexHtml);
                }
            }
            case "/click-button" -> {
                if (requireMethod(ex, method, ALLOW_POST) && readBodyWithinLimit(ex)) {
                    clicks.inc();
                    Headers h = ex.getResponseHeaders();
                    h.set("X-Served-By", hostname);
                    h.set("X-Clicks-Total", Long.toString(clickCount()));
                    h.set("Cache-Control", "no-store");
                    send(ex, 200, "application/json", EMPTY_JSON);
                }
            }
            case "/clicks" -> {
                if (requireMethod(ex, method, ALLOW_GET)) {
                    ex.getResponseHeaders().set("X-Served-By", hostname);
                    ex.getResponseHeaders().set("Cache-Control", "no-store");
                    String json = "{\"total\":" + clickCount() + ",\"hostname\":\"" + jsonEscape(hostname) + "\"}";
                    send(ex, 200, "application/json", json.getBytes(StandardCharsets.UTF_8));
                }
            }
            case "/metrics" -> {
                if (requireMethod(ex, method, ALLOW_GET)) {
                    serveMetrics(ex);
                }
            }
            case "/healthz" -> {
                if (requireMethod(ex, method, ALLOW_GET)) {
                    send(ex, 200, "text/plain; charset=utf-8", OK_BODY);
                }
            }
            case "/readyz" -> {
                if (requireMethod(ex, method, ALLOW_GET)) {
                    if (ready.get()) {
                        send(ex, 200, "text/plain; charset=utf-8", OK_BODY);
                    } else {
                        send(ex, 503, "text/plain; charset=utf-8", NOT_READY_BODY);
                    }
                }
            }
            default -> send(ex, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static boolean requireMethod(HttpExchange ex, String method, String allowed) throws IOException {
        if (allowed.equals(method)) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", allowed);
        send(ex, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.US_ASCII));
        return false;
    }

    /** Reads (and discards) the request body; answers 413 and returns false if it exceeds the limit. */
    private boolean readBodyWithinLimit(HttpExchange ex) throws IOException {
        int limit = config.maxBodyBytes();
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        boolean tooLarge = false;
        if (cl != null) {
            try {
                tooLarge = Long.parseLong(cl.trim()) > limit;
            } catch (NumberFormatException e) {
                tooLarge = false; // the server itself rejects malformed lengths
            }
        }
        if (!tooLarge) {
            byte[] buf = new byte[Math.min(limit + 1, 8192)];
            long total = 0;
            try (InputStream in = ex.getRequestBody()) {
                int r;
                while ((r = in.read(buf)) != -1) {
                    total += r;
                    if (total > limit) {
                        tooLarge = true;
                        break;
                    }
                }
            }
        }
        if (tooLarge) {
            // Do not drain an oversized body: close the connection after answering.
            ex.getResponseHeaders().set("Connection", "close");
            send(ex, 413, "text/plain; charset=utf-8",
                    ("request body exceeds " + limit + " bytes\n").getBytes(StandardCharsets.US_ASCII));
            return false;
        }
        return true;
    }

    private void serveMetrics(HttpExchange ex) throws IOException {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        ExpositionFormatWriter writer = formats.findWriter(accept);
        ByteArrayOutputStream buf = new ByteArrayOutputStream(16 * 1024);
        writer.write(buf, registry.scrape(), EscapingScheme.fromAcceptHeader(accept));
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, 200, writer.getContentType(), buf.toByteArray());
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static String resolveHostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h.trim();
        }
        try {
            h = Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException ignored) {
            // fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    static void log(String msg) {
        System.out.println(Instant.now() + " demo-app " + msg);
    }
}

package dev.scaleddemo.demoapp;

import dev.scaleddemo.demoapp.http.Handler;
import dev.scaleddemo.demoapp.http.NioHttpServer;
import dev.scaleddemo.demoapp.http.Request;
import dev.scaleddemo.demoapp.http.Response;
import dev.scaleddemo.demoapp.http.ServerOptions;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tiny click-counter web app exposing a Prometheus counter. Own small non-blocking HTTP/1.1 server
 * ({@link NioHttpServer}), no framework.
 */
public final class DemoApp implements Handler {

    static final String ALLOW_GET = "GET";
    static final String ALLOW_POST = "POST";
    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK_BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_READY_BODY = "shutting down\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_FOUND_BODY = "not found\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] METHOD_NOT_ALLOWED_BODY = "method not allowed\n".getBytes(StandardCharsets.US_ASCII);
    private static final String TEXT = "text/plain; charset=utf-8";
    /** Marks a request that arrived while the app was still accepting (decided when its head was read). */
    private static final Object ADMITTED = new Object();

    private final Config config;
    private final ServerOptions serverOptions;
    private final String hostname;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter clicks;
    private final byte[] indexHtml;
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private final AtomicBoolean stopped = new AtomicBoolean(false);
    private final CompletableFuture<Void> jvmMetricsRegistered = new CompletableFuture<>();
    private NioHttpServer server;

    /** HTTP tunables from {@code -Ddemoapp.http.*} system properties (see {@link ServerOptions}). */
    public DemoApp(Config config) {
        this(config, ServerOptions.fromSystemProperties(ioThreads(config), config.maxBodyBytes(),
                connectionLimit(config.maxConnections(), openFileLimit())));
    }

    DemoApp(Config config, ServerOptions serverOptions) {
        this.config = config;
        this.serverOptions = serverOptions;
        this.hostname = resolveHostname();
        this.clicks = Counter.builder()
                .name(config.counterBaseName())
                .help("Total number of times the demo app's button was clicked.")
                .register(registry);
        this.indexHtml = IndexPage.render().getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) {
        Config config;
        DemoApp app;
        try {
            config = Config.fromEnv(System.getenv());
            app = new DemoApp(config);
        } catch (IllegalArgumentException e) {
            log("invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            app.start();
        } catch (IOException | UncheckedIOException e) {
            log("failed to bind " + config.bindAddress() + ":" + config.port() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        long listening = System.currentTimeMillis();
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "shutdown"));
        // JVM start time via the RuntimeMXBean only once listening: its JMX set-up costs 50-100 ms.
        long t0 = ManagementFactory.getRuntimeMXBean().getStartTime();
        log("started: listening on " + config.bindAddress() + ":" + app.port()
                + " host=" + app.hostname + " metric=" + config.wireName()
                + " io_threads=" + app.serverOptions.ioThreads()
                + " max_connections=" + app.serverOptions.maxConnections()
                + " startup_ms=" + (listening - t0));
    }

    /** Binds and starts serving; readiness becomes 200 once this returns. */
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.port());
        NioHttpServer s = new NioHttpServer(addr, serverOptions, this);
        s.start();
        server = s;
        ready.set(true);
        // JVM/process metrics need JMX, which takes ~100-200 ms to initialise: keep it off the
        // startup path. Until it is done /metrics simply lacks the jvm_* and process_* families.
        Thread init = new Thread(() -> {
            try {
                Formats.get();   // class-load the exposition writers off the request path too
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
        return server.port();
    }

    public String hostname() {
        return hostname;
    }

    public long clickCount() {
        return (long) clicks.get();
    }

    /** Requests whose head has been read and whose response has not been fully written yet. */
    int inFlight() {
        return server == null ? 0 : server.inFlight();
    }

    /** The HTTP server (for tests). */
    NioHttpServer server() {
        return server;
    }

    /**
     * I/O threads: {@code HTTP_THREADS}, capped at the number of CPUs (each thread runs a selector and
     * the handlers inline, so more threads than cores only adds context switches).
     */
    static int ioThreads(Config config) {
        return Math.max(1, Math.min(config.threads(), Runtime.getRuntime().availableProcessors()));
    }

    /** File descriptors kept free for the JVM itself (jars, selectors, the listener) below the open-file limit. */
    static final int RESERVED_FDS = 64;

    /**
     * HTTP_MAX_CONNECTIONS, lowered to the open-file limit minus {@link #RESERVED_FDS} if that is smaller,
     * so the connection limit is reached before accept() fails for want of file descriptors.
     */
    static int connectionLimit(int configured, OptionalLong openFileLimit) {
        if (openFileLimit.isEmpty()) {
            return configured;
        }
        return (int) Math.max(1, Math.min(configured, openFileLimit.getAsLong() - RESERVED_FDS));
    }

    /** This process's open-file limit (the JVM raises the soft limit to the hard one), if /proc tells. */
    static OptionalLong openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(soft));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: keep the configured limit
        }
        return OptionalLong.empty();
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
        int abandoned = server.inFlight();
        // Closes the listener and every connection; in-flight work is already done (or out of time).
        server.stop(Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 100));
        log("shutdown: complete in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms"
                + (drained ? "" : " (grace period expired with " + abandoned + " request(s) in flight)"));
    }

    private boolean awaitInFlight(long deadlineNanos) {
        while (server.inFlight() > 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
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
    // Runs on the server's I/O threads; nothing here blocks.

    /**
     * Called when a request's head has been read. Whether the app still accepts requests is decided
     * here, so a click whose body is still uploading when the drain period ends completes normally.
     * Only an admitted {@code POST /click-button} has its body read (and limited to MAX_BODY_BYTES).
     */
    @Override
    public boolean wantsBody(Request request) {
        if (!accepting.get()) {
            return false;
        }
        request.attach(ADMITTED);
        return "/click-button".equals(request.path()) && ALLOW_POST.equals(request.method());
    }

    @Override
    public void handle(Request request, Response response) {
        String path = request.path();
        if (request.attachment() != ADMITTED) {
            // After the drain: 503 and close, except liveness, which stays 200 while the process serves
            // (a failing liveness probe during a graceful drain would have the kubelet kill the pod).
            response.close();
            if (!"/healthz".equals(path)) {
                response.status(503).body(TEXT, NOT_READY_BODY);
                return;
            }
        }
        String method = request.method();
        switch (path) {
            case "/" -> {
                if (requireMethod(response, method, ALLOW_GET)) {
                    response.body("text/html; charset=utf-8", indexHtml);
                }
            }
            case "/click-button" -> {
                // wantsBody() had the body read within MAX_BODY_BYTES (else the server answered 413).
                if (requireMethod(response, method, ALLOW_POST)) {
                    clicks.inc();
                    response.header("X-Served-By", hostname)
                            .header("X-Clicks-Total", Long.toString(clickCount()))
                            .header("Cache-Control", "no-store")
                            .body("application/json", EMPTY_JSON);
                }
            }
            case "/clicks" -> {
                if (requireMethod(response, method, ALLOW_GET)) {
                    String json = "{\"total\":" + clickCount() + ",\"hostname\":\"" + jsonEscape(hostname) + "\"}";
                    response.header("X-Served-By", hostname)
                            .header("Cache-Control", "no-store")
                            .body("application/json", json.getBytes(StandardCharsets.UTF_8));
                }
            }
            case "/metrics" -> {
                if (requireMethod(response, method, ALLOW_GET)) {
                    serveMetrics(request, response);
                }
            }
            case "/healthz" -> {
                if (requireMethod(response, method, ALLOW_GET)) {
                    response.body(TEXT, OK_BODY);
                }
            }
            case "/readyz" -> {
                if (requireMethod(response, method, ALLOW_GET)) {
                    if (ready.get()) {
                        response.body(TEXT, OK_BODY);
                    } else {
                        response.status(503).body(TEXT, NOT_READY_BODY);
                    }
                }
            }
            default -> response.status(404).body(TEXT, NOT_FOUND_BODY);
        }
    }

    private static boolean requireMethod(Response response, String method, String allowed) {
        if (allowed.equals(method)) {
            return true;
        }
        response.status(405).header("Allow", allowed).body(TEXT, METHOD_NOT_ALLOWED_BODY);
        return false;
    }

    private void serveMetrics(Request request, Response response) {
        String accept = request.header("Accept");
        ExpositionFormatWriter writer = Formats.get().findWriter(accept);
        ByteArrayOutputStream buf = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(buf, registry.scrape(), EscapingScheme.fromAcceptHeader(accept));
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // cannot happen with a ByteArrayOutputStream
        }
        response.header("Cache-Control", "no-store").body(writer.getContentType(), buf.toByteArray());
    }

    /**
     * The exposition writers, created on first use (~30-50 ms of class loading, including the protobuf
     * writer) instead of before the listener opens; the start-up thread touches it right away.
     */
    private static final class Formats {
        private static final ExpositionFormats INSTANCE = ExpositionFormats.init();

        static ExpositionFormats get() {
            return INSTANCE;
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

    static void log(String msg) {
        System.out.println(Instant.now() + " demo-app " + msg);
    }
}

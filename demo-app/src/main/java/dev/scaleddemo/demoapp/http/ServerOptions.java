package dev.scaleddemo.demoapp.http;

/**
 * Tunables of {@link NioHttpServer}.
 *
 * @param ioThreads             event-loop threads (each owns a selector and runs the handler inline)
 * @param backlog               listen backlog (connections the kernel queues while the server is not accepting)
 * @param maxConnections        most connections open at once; at the limit the server stops accepting until
 *                              one closes, so a client cannot exhaust the process's file descriptors
 * @param maxHeaderBytes        largest request head (request line + headers); larger gives 431 (414 if the
 *                              request line alone is too long)
 * @param maxHeaderCount        most header fields per request; more gives 431
 * @param maxBodyBytes          largest body read for a handler that wants it; larger gives 413
 * @param idleTimeoutMillis     keep-alive connection with no request in progress is closed after this
 * @param requestTimeoutMillis  a request (head + body) must arrive within this from its first byte (an empty
 *                              line before the request line counts); else 408
 * @param responseTimeoutMillis a response the client does not read for this long is abandoned
 * @param lingerMillis          after a closing response, unread input is discarded for at most this long
 *                              before the socket is closed (so the client sees the response, not a reset)
 */
public record ServerOptions(
        int ioThreads,
        int backlog,
        int maxConnections,
        int maxHeaderBytes,
        int maxHeaderCount,
        int maxBodyBytes,
        long idleTimeoutMillis,
        long requestTimeoutMillis,
        long responseTimeoutMillis,
        long lingerMillis) {

    /** Empty lines (CRLF) ignored before a request line (RFC 9112 2.2); one more gives 400. */
    public static final int MAX_LEADING_EMPTY_LINES = 8;

    public static final String IDLE_TIMEOUT_PROPERTY = "demoapp.http.idleTimeoutSeconds";
    public static final String REQUEST_TIMEOUT_PROPERTY = "demoapp.http.requestTimeoutSeconds";
    public static final String RESPONSE_TIMEOUT_PROPERTY = "demoapp.http.responseTimeoutSeconds";
    public static final String MAX_HEADER_BYTES_PROPERTY = "demoapp.http.maxHeaderBytes";

    public ServerOptions {
        if (ioThreads < 1 || ioThreads > 1024) {
            throw new IllegalArgumentException("ioThreads out of range: " + ioThreads);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be >= 1");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1");
        }
        if (maxHeaderBytes < 256 || maxHeaderBytes > 1 << 20) {
            throw new IllegalArgumentException(MAX_HEADER_BYTES_PROPERTY + " out of range [256, 1048576]: " + maxHeaderBytes);
        }
        if (maxHeaderCount < 1) {
            throw new IllegalArgumentException("maxHeaderCount must be >= 1");
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 0");
        }
        if (idleTimeoutMillis <= 0 || requestTimeoutMillis <= 0 || responseTimeoutMillis <= 0 || lingerMillis < 0) {
            throw new IllegalArgumentException("HTTP timeouts must be > 0");
        }
    }

    /**
     * Defaults (idle 30 s, request 10 s, response 10 s, 8 KiB head, 100 headers, linger 2 s), each
     * overridable with a {@code -D} system property ({@value #IDLE_TIMEOUT_PROPERTY},
     * {@value #REQUEST_TIMEOUT_PROPERTY}, {@value #RESPONSE_TIMEOUT_PROPERTY}, {@value #MAX_HEADER_BYTES_PROPERTY}).
     *
     * @throws IllegalArgumentException if a property is not a valid number
     */
    public static ServerOptions fromSystemProperties(int ioThreads, int maxBodyBytes, int maxConnections) {
        return new ServerOptions(ioThreads, 1024, maxConnections,
                (int) longProperty(MAX_HEADER_BYTES_PROPERTY, 8192, 1),
                100,
                maxBodyBytes,
                longProperty(IDLE_TIMEOUT_PROPERTY, 30, 1000),
                longProperty(REQUEST_TIMEOUT_PROPERTY, 10, 1000),
                longProperty(RESPONSE_TIMEOUT_PROPERTY, 10, 1000),
                2000);
    }

    public ServerOptions withTimeouts(long idleMillis, long requestMillis, long responseMillis) {
        return new ServerOptions(ioThreads, backlog, maxConnections, maxHeaderBytes, maxHeaderCount, maxBodyBytes,
                idleMillis, requestMillis, responseMillis, lingerMillis);
    }

    public ServerOptions withMaxConnections(int max) {
        return new ServerOptions(ioThreads, backlog, max, maxHeaderBytes, maxHeaderCount, maxBodyBytes,
                idleTimeoutMillis, requestTimeoutMillis, responseTimeoutMillis, lingerMillis);
    }

    private static long longProperty(String name, long def, long scale) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return def * scale;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + v);
        }
        if (!(d > 0) || d > 1e9) {
            throw new IllegalArgumentException(name + " out of range: " + v);
        }
        return Math.max(1, Math.round(d * scale));
    }
}

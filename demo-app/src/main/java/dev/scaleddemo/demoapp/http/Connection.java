package dev.scaleddemo.demoapp.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One client connection, owned by one event loop: reads into its {@link RequestDecoder}, runs the
 * {@link Handler} for each request, writes through its {@link ResponseWriter}, and keeps the timers and
 * the lingering close. All methods run on the loop's thread.
 */
final class Connection {

    enum Phase {
        OPEN,
        /** Output shut down after a closing response; input is discarded until the peer closes or time is up. */
        LINGER,
        CLOSED
    }

    enum Timer {
        /** Keep-alive connection with nothing of a next request received. */
        IDLE,
        /** From the first byte of a request (an empty line counts) until it is answered and read. */
        REQUEST,
        /** Output the client does not read. */
        RESPONSE,
        LINGER
    }

    private static final int OUT_HIGH_WATER = 64 * 1024;
    private static final long MAX_LINGER_BYTES = 1 << 20;
    private static final String TEXT = "text/plain; charset=utf-8";

    private final NioHttpServer.EventLoop loop;
    private final ServerOptions options;
    private final Handler handler;
    private final SocketChannel ch;
    private SelectionKey key;
    private int interest = SelectionKey.OP_READ;

    private final RequestDecoder decoder;
    private final ResponseWriter writer = new ResponseWriter();
    private final Response res = new Response();

    private Phase phase = Phase.OPEN;
    private boolean requestActive;   // head read, not answered yet
    private int counted;             // requests of this connection counted in loop.inFlight
    private boolean closeAfterFlush;
    private boolean readPaused;
    private boolean peerEof;
    private long lingerBytes;
    private long deadline;
    private Timer timer;
    private long timedRequest;       // decoder.messages() when the REQUEST timer was armed

    Connection(NioHttpServer.EventLoop loop, ServerOptions options, Handler handler, SocketChannel ch) {
        this.loop = loop;
        this.options = options;
        this.handler = handler;
        this.ch = ch;
        this.decoder = new RequestDecoder(options.maxHeaderBytes(), options.maxHeaderCount(), options.maxBodyBytes());
    }

    void register(SelectionKey key) {
        this.key = key;
        arm(Timer.IDLE, options.idleTimeoutMillis());
    }

    boolean expired(long now) {
        return phase != Phase.CLOSED && now - deadline >= 0;
    }

    private void arm(Timer kind, long millis) {
        timer = kind;
        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private void setInterest(int ops) {
        if (ops != interest && key.isValid()) {
            key.interestOps(ops);
            interest = ops;
        }
    }

    // ---------------------------------------------------------------- I/O events

    void onReadable() throws IOException {
        if (phase == Phase.LINGER || closeAfterFlush) {
            discardInput();
            return;
        }
        ByteBuffer buf = decoder.readBuffer();
        if (buf == null) {
            setInterest(interest & ~SelectionKey.OP_READ);   // input backed up behind unsent output
            readPaused = true;
            return;
        }
        int n = ch.read(buf);
        if (n < 0) {
            peerClosed();
            return;
        }
        if (n == 0) {
            return;
        }
        decoder.filled(n);
        process();
        flush();
        afterIo();
    }

    void onWritable() throws IOException {
        flush();
        afterIo();
    }

    /**
     * A request still unanswered when its time is up gets 408; otherwise (idle, a response the client
     * does not read, the body of an answered request that never completes, lingering) the connection
     * is closed without another response: a request is never answered twice.
     */
    void onTimeout() {
        try {
            boolean unanswered = requestActive || decoder.inHead();
            if (timer == Timer.REQUEST && unanswered && writer.pending() == 0 && !closeAfterFlush
                    && phase == Phase.OPEN) {
                reject(408);
                flush();
                afterIo();
            } else {
                close();
            }
        } catch (IOException | RuntimeException e) {
            close();
        }
    }

    private void afterIo() {
        if (phase != Phase.OPEN || writer.pending() > 0) {
            return;
        }
        if (decoder.atBoundary() && !requestActive) {
            arm(Timer.IDLE, options.idleTimeoutMillis());
        } else if (timer != Timer.REQUEST || timedRequest != decoder.messages()) {
            arm(Timer.REQUEST, options.requestTimeoutMillis());
            timedRequest = decoder.messages();
        }
    }

    /**
     * The client shut down its sending side (or closed). Responses already queued are still written (a
     * client may send its request and half-close, e.g. {@code nc -N}); then the connection is closed. A
     * request whose head or body was cut off is dropped.
     */
    private void peerClosed() {
        if (writer.pending() > 0 && phase == Phase.OPEN) {
            peerEof = true;
            closeAfterFlush = true;
            setInterest(SelectionKey.OP_WRITE);
            arm(Timer.RESPONSE, options.responseTimeoutMillis());
        } else {
            close();
        }
    }

    private void discardInput() throws IOException {
        ByteBuffer scratch = loop.scratch;
        for (int i = 0; i < 16; i++) {
            scratch.clear();
            int n = ch.read(scratch);
            if (n < 0) {
                peerClosed();
                return;
            }
            if (n == 0) {
                return;
            }
            lingerBytes += n;
            if (lingerBytes > MAX_LINGER_BYTES) {
                close();
                return;
            }
        }
    }

    // ---------------------------------------------------------------- requests

    private void process() {
        while (!closeAfterFlush && phase == Phase.OPEN) {
            if (decoder.state() == RequestDecoder.State.HEAD && writer.pending() > OUT_HIGH_WATER) {
                readPaused = true;   // resumes in flush() once the client has read
                return;
            }
            switch (decoder.next()) {
                case NEED_MORE -> {
                    return;
                }
                case HEAD -> onHead(decoder.request());
                case BODY_DONE -> respond(false);
                case ERROR -> reject(decoder.error());
            }
        }
    }

    private void onHead(Request req) {
        counted++;
        loop.inFlight.incrementAndGet();
        requestActive = true;
        boolean wants;
        try {
            wants = handler.wantsBody(req);
        } catch (RuntimeException e) {
            wants = false;
        }
        if (!wants) {
            // a body that cannot be skipped ends the connection after the response
            respond(!decoder.skipBody());
        } else if (!decoder.readBody()) {
            reject(413);
        } else if (req.expectContinue && (req.chunked || req.contentLength > 0)) {
            writer.append(Http.CONTINUE_100);
        }
    }

    private void respond(boolean forceClose) {
        Request req = decoder.request();
        res.reset();
        try {
            handler.handle(req, res);
        } catch (RuntimeException e) {
            res.reset();
            res.status(500).body(TEXT, "internal error\n");
        }
        if (forceClose || !req.keepAlive) {
            res.close();
        }
        send("HEAD".equals(req.method), req.http11);
    }

    /** Error response that ends the connection (the request, if any, is dropped). */
    private void reject(int status) {
        String msg = status == 413
                ? "request body exceeds " + options.maxBodyBytes() + " bytes\n"
                : Http.reason(status).toLowerCase(Locale.ROOT) + "\n";
        res.reset();
        res.status(status).close().body(TEXT, msg.getBytes(StandardCharsets.US_ASCII));
        send(false, true);
    }

    private void send(boolean headRequest, boolean http11) {
        requestActive = false;
        writer.encode(res, headRequest, http11, loop.dateLine());
        if (res.close) {
            closeAfterFlush = true;
        }
    }

    // ---------------------------------------------------------------- output and closing

    private void flush() throws IOException {
        while (phase == Phase.OPEN) {
            if (writer.pending() > 0) {
                int n = writer.writeTo(ch);
                if (writer.pending() > 0) {
                    setInterest(readPaused || peerEof
                            ? SelectionKey.OP_WRITE : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    if (n > 0 || timer != Timer.RESPONSE) {
                        arm(Timer.RESPONSE, options.responseTimeoutMillis());
                    }
                    return;
                }
            }
            int release = counted - (requestActive ? 1 : 0);
            if (release > 0) {
                counted -= release;
                loop.inFlight.addAndGet(-release);
            }
            if (closeAfterFlush) {
                startLinger();
                return;
            }
            setInterest(SelectionKey.OP_READ);
            if (!readPaused) {
                return;
            }
            readPaused = false;
            process();
        }
    }

    private void startLinger() {
        phase = Phase.LINGER;
        decoder.stop();
        releaseAll();
        if (options.lingerMillis() == 0 || peerEof) {
            close();
            return;
        }
        try {
            ch.shutdownOutput();
        } catch (IOException e) {
            close();
            return;
        }
        setInterest(SelectionKey.OP_READ);
        arm(Timer.LINGER, options.lingerMillis());
    }

    private void releaseAll() {
        requestActive = false;
        if (counted > 0) {
            loop.inFlight.addAndGet(-counted);
            counted = 0;
        }
    }

    void close() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        releaseAll();
        writer.clear();
        if (key != null) {
            key.cancel();
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        loop.connectionClosed();
    }
}

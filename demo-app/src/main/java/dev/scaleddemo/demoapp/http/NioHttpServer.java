package dev.scaleddemo.demoapp.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small non-blocking HTTP/1.1 server: N event-loop threads ({@code http-1..N}), each with its own
 * selector, reading, parsing, running the {@link Handler} and writing inline (no hand-off between
 * threads per request). Loop 1 also accepts connections and deals them out round-robin.
 *
 * <p>Supports keep-alive, pipelining (responses in request order, reading paused while more than
 * 64 KiB of responses are unsent), Content-Length and chunked request bodies, {@code Expect:
 * 100-continue}, HEAD (no response body), HTTP/1.0 (close unless keep-alive is asked for), a head
 * size limit (431/414), a body size limit (413), idle/request/response timeouts, and a lingering close
 * (output shut down, unread input discarded for a while) so clients see error responses rather than
 * a connection reset. See {@link ServerOptions}.
 */
public final class NioHttpServer {

    private final ServerOptions options;
    private final Handler handler;
    private final ServerSocketChannel listener;
    private final EventLoop[] loops;
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean started;
    private volatile boolean stopped;

    /** Binds the listener (so {@link #port()} works right away); {@link #start()} starts serving. */
    public NioHttpServer(InetSocketAddress address, ServerOptions options, Handler handler) throws IOException {
        this.options = options;
        this.handler = handler;
        this.listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(address, options.backlog());
            listener.configureBlocking(false);
            loops = new EventLoop[options.ioThreads()];
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new EventLoop(i);
            }
            loops[0].acceptKey = listener.register(loops[0].selector, SelectionKey.OP_ACCEPT, null);
        } catch (IOException | RuntimeException e) {
            listener.close();
            for (EventLoop l : loopsOrEmpty()) {
                l.selector.close();
            }
            throw e;
        }
    }

    private EventLoop[] loopsOrEmpty() {
        return loops == null ? new EventLoop[0] : loops;
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        for (EventLoop l : loops) {
            l.thread.start();
        }
    }

    public int port() {
        return ((InetSocketAddress) listenerAddress()).getPort();
    }

    private java.net.SocketAddress listenerAddress() {
        try {
            return listener.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public ServerOptions options() {
        return options;
    }

    /** Requests whose head has been read and whose response is not yet fully written to the socket. */
    public int inFlight() {
        int n = 0;
        for (EventLoop l : loops) {
            n += l.inFlight.get();
        }
        return n;
    }

    /** Connections currently open. */
    public int openConnections() {
        int n = 0;
        for (EventLoop l : loops) {
            n += l.connections.get();
        }
        return n;
    }

    /** Connections accepted since start. */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /**
     * Closes the listener and every connection (in-flight requests are cut off: wait for
     * {@link #inFlight()} to reach 0 first for a graceful stop) and stops the I/O threads, waiting at most
     * {@code timeoutMillis} for them. Idempotent.
     */
    public void stop(long timeoutMillis) {
        if (stopped) {
            return;
        }
        stopped = true;
        for (EventLoop l : loops) {
            l.running = false;
            l.selector.wakeup();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (EventLoop l : loops) {
            if (started) {
                try {
                    long left = deadline - System.nanoTime();
                    l.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } else {
                l.closeAll();
            }
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static void log(String msg) {
        System.out.println(Instant.now() + " demo-app " + msg);
    }

    // ==================================================================== event loop

    final class EventLoop implements Runnable {
        final int index;
        final Selector selector;
        final Thread thread;
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger connections = new AtomicInteger();
        final java.nio.ByteBuffer scratch = java.nio.ByteBuffer.allocateDirect(16 * 1024);
        volatile boolean running = true;
        SelectionKey acceptKey;
        long acceptPausedUntil;
        int nextLoop;
        long dateSecond = -1;
        byte[] dateLine;
        long lastAcceptErrorLog;
        private final java.util.function.Consumer<SelectionKey> onKey = this::onKey;

        EventLoop(int index) throws IOException {
            this.index = index;
            this.selector = Selector.open();
            this.thread = new Thread(this, "http-" + (index + 1));
            this.thread.setDaemon(false);   // keeps the JVM alive while serving, until stop()
        }

        byte[] dateLine() {
            long sec = System.currentTimeMillis() / 1000;
            if (sec != dateSecond) {
                dateLine = Http.dateLine(sec);
                dateSecond = sec;
            }
            return dateLine;
        }

        void execute(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        @Override
        public void run() {
            long lastScan = System.nanoTime();
            try {
                while (running) {
                    selector.select(onKey, 100);
                    Runnable t;
                    while ((t = tasks.poll()) != null) {
                        t.run();
                    }
                    long now = System.nanoTime();
                    if (now - lastScan >= 50_000_000L) {
                        lastScan = now;
                        scanTimeouts(now);
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                log("http: I/O thread " + thread.getName() + " failed: " + e);
            } finally {
                closeAll();
            }
        }

        private void onKey(SelectionKey key) {
            Object a = key.attachment();
            if (a == null) {
                accept();
                return;
            }
            Connection c = (Connection) a;
            try {
                int ready = key.readyOps();
                if ((ready & SelectionKey.OP_WRITE) != 0) {
                    c.onWritable();
                }
                if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
                    c.onReadable();
                }
            } catch (IOException | RuntimeException e) {
                c.close();
            }
        }

        private void accept() {
            for (int i = 0; i < 64; i++) {
                SocketChannel ch;
                try {
                    ch = listener.accept();
                } catch (IOException e) {
                    // e.g. too many open files: back off briefly instead of spinning
                    long now = System.nanoTime();
                    if (now - lastAcceptErrorLog > 10_000_000_000L) {
                        lastAcceptErrorLog = now;
                        log("http: accept failed (pausing 100 ms): " + e.getMessage());
                    }
                    acceptKey.interestOps(0);
                    acceptPausedUntil = now + 100_000_000L;
                    return;
                }
                if (ch == null) {
                    return;
                }
                accepted.incrementAndGet();
                EventLoop target = loops[nextLoop];
                nextLoop = (nextLoop + 1) % loops.length;
                if (target == this) {
                    register(ch);
                } else {
                    target.execute(() -> target.register(ch));
                }
            }
        }

        void register(SocketChannel ch) {
            try {
                if (!running) {
                    ch.close();
                    return;
                }
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Connection c = new Connection(this, ch);
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                connections.incrementAndGet();
                c.arm(Connection.T_IDLE, options.idleTimeoutMillis());
            } catch (IOException | RuntimeException e) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }

        private void scanTimeouts(long now) {
            if (acceptKey != null && acceptPausedUntil != 0 && now - acceptPausedUntil >= 0 && acceptKey.isValid()) {
                acceptPausedUntil = 0;
                acceptKey.interestOps(SelectionKey.OP_ACCEPT);
            }
            List<Connection> expired = null;
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof Connection c && c.state != Connection.CLOSED && now - c.deadline >= 0) {
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.add(c);
                }
            }
            if (expired != null) {
                for (Connection c : expired) {
                    c.onTimeout();
                }
            }
        }

        void closeAll() {
            try {
                for (SelectionKey k : selector.keys()) {
                    if (k.attachment() instanceof Connection c) {
                        c.close();
                    } else {
                        k.cancel();
                    }
                }
            } catch (RuntimeException ignored) {
                // selector already closed
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing to do
            }
            Runnable t;
            while ((t = tasks.poll()) != null) {
                t.run();   // register() closes channels handed over after stop
            }
        }
    }

    // ==================================================================== connection

    final class Connection {
        static final int HEAD = 0, BODY = 1, CHUNK_SIZE = 2, CHUNK_DATA = 3, CHUNK_END = 4, TRAILER = 5,
                LINGER = 6, CLOSED = 7;
        static final int T_IDLE = 0, T_REQUEST = 1, T_RESPONSE = 2, T_LINGER = 3;
        private static final int OUT_HIGH_WATER = 64 * 1024;
        private static final int MAX_CHUNK_LINE = 1024;
        private static final long MAX_LINGER_BYTES = 1 << 20;

        final EventLoop loop;
        final SocketChannel ch;
        SelectionKey key;
        int interest = SelectionKey.OP_READ;

        byte[] in = new byte[2048];
        java.nio.ByteBuffer inBuf = java.nio.ByteBuffer.wrap(in);
        int inStart;
        int inEnd;
        int scanPos;
        final int maxIn = options.maxHeaderBytes() + 2048;

        byte[] out = new byte[1024];
        java.nio.ByteBuffer outBuf = java.nio.ByteBuffer.wrap(out);
        int outStart;
        int outEnd;

        int state = HEAD;
        final Request req = new Request(options.maxHeaderCount());
        final Response res = new Response();
        boolean requestActive;   // head parsed, no response yet
        boolean bodyWanted;
        int counted;             // requests of this connection counted in loop.inFlight
        boolean closeAfterFlush;
        boolean readPaused;
        boolean peerEof;
        long bodyRemaining;
        int trailerBytes;
        long lingerBytes;
        long deadline;
        int timer;

        Connection(EventLoop loop, SocketChannel ch) {
            this.loop = loop;
            this.ch = ch;
        }

        void arm(int kind, long millis) {
            timer = kind;
            deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        }

        private void setInterest(int ops) {
            if (ops != interest && key.isValid()) {
                key.interestOps(ops);
                interest = ops;
            }
        }

        // ------------------------------------------------------------ I/O events

        void onReadable() throws IOException {
            if (state == LINGER || closeAfterFlush) {
                discardInput();
                return;
            }
            if (inEnd == in.length) {
                makeRoom();
                if (inEnd == in.length) {
                    setInterest(interest & ~SelectionKey.OP_READ);   // cannot happen; never spin
                    readPaused = true;
                    return;
                }
            }
            inBuf.limit(in.length).position(inEnd);
            int n = ch.read(inBuf);
            if (n < 0) {
                peerClosed();
                return;
            }
            if (n == 0) {
                return;
            }
            inEnd += n;
            process();
            flush();
            afterIo();
        }

        void onWritable() throws IOException {
            flush();
            afterIo();
        }

        void onTimeout() {
            try {
                if (timer == T_REQUEST && outEnd == outStart && !closeAfterFlush && state != LINGER) {
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
            if (state >= LINGER || outEnd > outStart) {
                return;
            }
            if (state == HEAD && inStart == inEnd && !requestActive) {
                arm(T_IDLE, options.idleTimeoutMillis());
            } else if (timer != T_REQUEST) {
                arm(T_REQUEST, options.requestTimeoutMillis());
            }
        }

        /**
         * The client shut down its sending side (or closed). Responses already queued are still
         * written (a client may send its request and half-close, e.g. {@code nc -N}); then the
         * connection is closed. A request whose head or body was cut off is dropped.
         */
        private void peerClosed() {
            if (outEnd > outStart && state < LINGER) {
                peerEof = true;
                closeAfterFlush = true;
                setInterest(SelectionKey.OP_WRITE);
                arm(T_RESPONSE, options.responseTimeoutMillis());
            } else {
                close();
            }
        }

        private void makeRoom() {
            if (inStart > 0) {
                System.arraycopy(in, inStart, in, 0, inEnd - inStart);
                inEnd -= inStart;
                scanPos -= inStart;
                inStart = 0;
            }
            if (inEnd == in.length && in.length < maxIn) {
                byte[] bigger = new byte[Math.min(maxIn, in.length * 2)];
                System.arraycopy(in, 0, bigger, 0, inEnd);
                in = bigger;
                inBuf = java.nio.ByteBuffer.wrap(in);
            }
        }

        private void discardInput() throws IOException {
            for (int i = 0; i < 16; i++) {
                loop.scratch.clear();
                int n = ch.read(loop.scratch);
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

        // ------------------------------------------------------------ parsing

        private void process() {
            while (!closeAfterFlush && state < LINGER) {
                boolean progressed = switch (state) {
                    case HEAD -> {
                        if (outEnd - outStart > OUT_HIGH_WATER) {
                            readPaused = true;
                            yield false;
                        }
                        yield onHead();
                    }
                    case BODY -> {
                        int take = (int) Math.min(bodyRemaining, inEnd - inStart);
                        inStart += take;
                        bodyRemaining -= take;
                        if (bodyRemaining > 0) {
                            yield false;
                        }
                        bodyComplete();
                        yield true;
                    }
                    case CHUNK_SIZE -> chunkSize();
                    case CHUNK_DATA -> {
                        int take = (int) Math.min(bodyRemaining, inEnd - inStart);
                        inStart += take;
                        bodyRemaining -= take;
                        if (bodyRemaining > 0) {
                            yield false;
                        }
                        state = CHUNK_END;
                        yield true;
                    }
                    case CHUNK_END -> chunkEnd();
                    case TRAILER -> trailer();
                    default -> false;
                };
                if (inStart == inEnd) {
                    inStart = 0;
                    inEnd = 0;
                    scanPos = 0;
                }
                if (!progressed) {
                    return;
                }
            }
        }

        /** Parses one request head if complete; returns true if one was consumed and more may follow. */
        private boolean onHead() {
            while (inStart < inEnd && (in[inStart] == '\r' || in[inStart] == '\n')) {
                inStart++;   // empty lines before a request line are ignored (RFC 9112 2.2)
            }
            if (inStart == inEnd) {
                return false;
            }
            if (scanPos < inStart) {
                scanPos = inStart;
            }
            int end = Http.findHeadEnd(in, Math.max(inStart, scanPos - 2), inEnd);
            if (end < 0) {
                scanPos = inEnd;
                if (inEnd - inStart > options.maxHeaderBytes()) {
                    reject(Http.indexOf(in, inStart, inEnd, (byte) '\n') < 0 ? 414 : 431);
                }
                return false;
            }
            if (end - inStart > options.maxHeaderBytes()) {
                int lf = Http.indexOf(in, inStart, end, (byte) '\n');
                reject(lf - inStart > options.maxHeaderBytes() ? 414 : 431);
                return false;
            }
            int err = Http.parseHead(in, inStart, end, req, options.maxHeaderCount());
            inStart = end;
            scanPos = end;
            if (err != 0) {
                reject(err);
                return false;
            }
            counted++;
            loop.inFlight.incrementAndGet();
            requestActive = true;
            arm(T_REQUEST, options.requestTimeoutMillis());

            boolean hasBody = req.chunked || req.contentLength > 0;
            boolean wants;
            try {
                wants = handler.wantsBody(req);
            } catch (RuntimeException e) {
                wants = false;
            }
            if (wants) {
                bodyWanted = true;
                if (!req.chunked && req.contentLength > options.maxBodyBytes()) {
                    tooLarge();
                    return false;
                }
                if (req.expectContinue && hasBody) {
                    append(Http.CONTINUE_100, 0, Http.CONTINUE_100.length);
                }
                if (req.chunked) {
                    state = CHUNK_SIZE;
                } else {
                    bodyRemaining = Math.max(0, req.contentLength);
                    state = BODY;
                }
                return true;
            }
            bodyWanted = false;
            // A small Content-Length body is skipped to keep the connection; a large or chunked one,
            // or one the client is holding back for 100-continue, ends the connection after the response.
            boolean skip = hasBody && !req.chunked && req.contentLength <= options.maxBodyBytes() && !req.expectContinue;
            respond(hasBody && !skip);
            if (closeAfterFlush) {
                return false;
            }
            if (skip) {
                bodyRemaining = req.contentLength;
                state = BODY;
            }
            return true;
        }

        private void bodyComplete() {
            state = HEAD;
            if (bodyWanted) {
                req.bodyRead = true;
                respond(false);
            }
        }

        private boolean chunkSize() {
            int lf = Http.indexOf(in, inStart, inEnd, (byte) '\n');
            if (lf < 0) {
                if (inEnd - inStart > MAX_CHUNK_LINE) {
                    reject(400);
                }
                return false;
            }
            int le = lf > inStart && in[lf - 1] == '\r' ? lf - 1 : lf;
            long size = Http.parseChunkSize(in, inStart, le);
            inStart = lf + 1;
            if (size < 0) {
                reject(400);
                return false;
            }
            if (size == 0) {
                trailerBytes = 0;
                state = TRAILER;
                return true;
            }
            req.bodyBytes += size;
            if (req.bodyBytes > options.maxBodyBytes()) {
                tooLarge();
                return false;
            }
            bodyRemaining = size;
            state = CHUNK_DATA;
            return true;
        }

        private boolean chunkEnd() {
            if (inEnd - inStart < 1) {
                return false;
            }
            if (in[inStart] == '\n') {
                inStart++;
            } else if (in[inStart] == '\r') {
                if (inEnd - inStart < 2) {
                    return false;
                }
                if (in[inStart + 1] != '\n') {
                    reject(400);
                    return false;
                }
                inStart += 2;
            } else {
                reject(400);
                return false;
            }
            state = CHUNK_SIZE;
            return true;
        }

        private boolean trailer() {
            int lf = Http.indexOf(in, inStart, inEnd, (byte) '\n');
            if (lf < 0) {
                if (trailerBytes + inEnd - inStart > options.maxHeaderBytes()) {
                    reject(431);
                }
                return false;
            }
            int le = lf > inStart && in[lf - 1] == '\r' ? lf - 1 : lf;
            trailerBytes += lf + 1 - inStart;
            boolean empty = le == inStart;
            inStart = lf + 1;
            if (empty) {
                bodyComplete();
                return true;
            }
            if (trailerBytes > options.maxHeaderBytes()) {
                reject(431);
                return false;
            }
            return true;   // trailer fields are ignored
        }

        // ------------------------------------------------------------ responses

        private void respond(boolean forceClose) {
            res.reset();
            try {
                handler.handle(req, res);
            } catch (RuntimeException e) {
                res.reset();
                res.status(500).body("text/plain; charset=utf-8", "internal error\n");
            }
            boolean close = res.close || forceClose || !req.keepAlive;
            write(res.status, res.contentType, res.body, res.headers, res.headerCount, close,
                    "HEAD".equals(req.method), req.http11);
        }

        private void tooLarge() {
            String msg = "request body exceeds " + options.maxBodyBytes() + " bytes\n";
            write(413, "text/plain; charset=utf-8", msg.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    null, 0, true, "HEAD".equals(req.method), true);
        }

        /** Error response that ends the connection (the request, if any, is dropped). */
        private void reject(int status) {
            String msg = Http.reason(status).toLowerCase(java.util.Locale.ROOT) + "\n";
            write(status, "text/plain; charset=utf-8", msg.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    null, 0, true, false, true);
        }

        private void write(int status, String contentType, byte[] body, String[] headers, int headerCount,
                           boolean close, boolean head, boolean http11) {
            requestActive = false;
            byte[] sl = Http.statusLine(status);
            append(sl, 0, sl.length);
            byte[] date = loop.dateLine();
            append(date, 0, date.length);
            for (int i = 0; i + 1 < headerCount; i += 2) {
                appendHeader(headers[i], headers[i + 1]);
            }
            if (contentType != null) {
                appendHeader("Content-Type", contentType);
            }
            boolean noBody = status == 204 || status == 304;
            if (!noBody) {
                appendAscii("Content-Length: ");
                appendAscii(Integer.toString(body.length));
                append(Http.CRLF, 0, 2);
            }
            if (close) {
                appendAscii("Connection: close\r\n");
                closeAfterFlush = true;
            } else if (!http11) {
                appendAscii("Connection: keep-alive\r\n");
            }
            append(Http.CRLF, 0, 2);
            if (!head && !noBody) {
                append(body, 0, body.length);
            }
        }

        private void ensureOut(int extra) {
            if (outEnd + extra <= out.length) {
                return;
            }
            if (outStart > 0) {
                System.arraycopy(out, outStart, out, 0, outEnd - outStart);
                outEnd -= outStart;
                outStart = 0;
                if (outEnd + extra <= out.length) {
                    return;
                }
            }
            byte[] bigger = new byte[Math.max(out.length * 2, outEnd + extra)];
            System.arraycopy(out, 0, bigger, 0, outEnd);
            out = bigger;
            outBuf = java.nio.ByteBuffer.wrap(out);
        }

        private void append(byte[] b, int off, int len) {
            ensureOut(len);
            System.arraycopy(b, off, out, outEnd, len);
            outEnd += len;
        }

        private void appendAscii(String s) {
            int n = s.length();
            ensureOut(n);
            for (int i = 0; i < n; i++) {
                out[outEnd + i] = (byte) s.charAt(i);
            }
            outEnd += n;
        }

        /** "name: value\r\n"; control characters become a space, characters above U+00FF a '?'. */
        private void appendHeader(String name, String value) {
            int n = name.length() + value.length() + 4;
            ensureOut(n);
            int p = outEnd;
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
            outEnd = p;
        }

        private void flush() throws IOException {
            while (state < LINGER) {
                if (outEnd > outStart) {
                    outBuf.limit(outEnd).position(outStart);
                    int n = ch.write(outBuf);
                    outStart += n;
                    if (outStart < outEnd) {
                        setInterest(readPaused || peerEof
                                ? SelectionKey.OP_WRITE : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        if (n > 0 || timer != T_RESPONSE) {
                            arm(T_RESPONSE, options.responseTimeoutMillis());
                        }
                        return;
                    }
                    outStart = 0;
                    outEnd = 0;
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
            state = LINGER;
            inStart = 0;
            inEnd = 0;
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
            arm(T_LINGER, options.lingerMillis());
        }

        private void releaseAll() {
            requestActive = false;
            if (counted > 0) {
                loop.inFlight.addAndGet(-counted);
                counted = 0;
            }
        }

        void close() {
            if (state == CLOSED) {
                return;
            }
            state = CLOSED;
            releaseAll();
            loop.connections.decrementAndGet();
            if (key != null) {
                key.cancel();
            }
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}

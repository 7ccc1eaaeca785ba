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
 * threads per request). Loop 1 also accepts connections and deals them out round-robin, up to
 * {@link ServerOptions#maxConnections()} open at once.
 *
 * <p>This class is the I/O and timer shell: accepting, the event loops and the timeout scan. Each
 * {@link Connection} decodes with a {@link RequestDecoder} (pure, no I/O) and encodes with a
 * {@link ResponseWriter}. See {@link ServerOptions} for the limits and timeouts.
 */
public final class NioHttpServer {

    private final ServerOptions options;
    private final Handler handler;
    private final ServerSocketChannel listener;
    private final EventLoop[] loops;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    /** Accepting has stopped at {@link ServerOptions#maxConnections()}; resumes when a connection closes. */
    private volatile boolean acceptLimited;
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

    /** Connections currently open (accepted and not closed yet). */
    public int openConnections() {
        return open.get();
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

        /**
         * Accepts up to 64 connections. At {@link ServerOptions#maxConnections()} open connections it stops
         * accepting (new ones wait in the kernel's listen backlog) until one closes.
         */
        private void accept() {
            for (int i = 0; i < 64; i++) {
                if (open.get() >= options.maxConnections()) {
                    acceptLimited = true;
                    acceptKey.interestOps(0);
                    return;
                }
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
                open.incrementAndGet();
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
                    connectionClosed();
                    return;
                }
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Connection c = new Connection(this, options, handler, ch);
                c.register(ch.register(selector, SelectionKey.OP_READ, c));
            } catch (IOException | RuntimeException e) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
                connectionClosed();
            }
        }

        /** Called once per accepted connection when it is closed (or could not be registered). */
        void connectionClosed() {
            if (open.decrementAndGet() < options.maxConnections() && acceptLimited) {
                EventLoop acceptor = loops[0];
                if (acceptor == this) {
                    acceptor.resumeAccept();
                } else {
                    acceptor.execute(acceptor::resumeAccept);
                }
            }
        }

        /** On the accepting loop: accept again unless at the connection limit or backing off after an error. */
        private void resumeAccept() {
            if (acceptKey == null || !acceptKey.isValid() || acceptPausedUntil != 0) {
                return;
            }
            if (acceptLimited && open.get() < options.maxConnections()) {
                acceptLimited = false;
                acceptKey.interestOps(SelectionKey.OP_ACCEPT);
            }
        }

        private void scanTimeouts(long now) {
            if (acceptKey != null && acceptPausedUntil != 0 && now - acceptPausedUntil >= 0 && acceptKey.isValid()) {
                acceptPausedUntil = 0;
                if (!acceptLimited) {
                    acceptKey.interestOps(SelectionKey.OP_ACCEPT);
                }
            }
            resumeAccept();   // in case a close raced with reaching the limit
            List<Connection> expired = null;
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof Connection c && c.expired(now)) {
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
}

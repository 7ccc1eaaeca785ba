package dev.scaleddemo.demoapp.http;

import java.nio.ByteBuffer;

/**
 * HTTP/1.1 request decoder (RFC 9112), no I/O: bytes go in through {@link #readBuffer()} /
 * {@link #filled(int)} (or {@link #feed}), and {@link #next()} says what they amount to. One decoder per
 * connection; requests come out in order, each as a {@link Event#HEAD} and, when its body is read, a
 * {@link Event#BODY_DONE}.
 *
 * <p>Lines end in CRLF only, in the head, in chunk-size lines, after chunk data and in trailers: a bare
 * LF is refused with 400 (RFC 9112 2.2 leaves it to the recipient; a strict front proxy would frame such a
 * message differently, which is what request smuggling needs). Up to
 * {@link ServerOptions#MAX_LEADING_EMPTY_LINES}
 * empty lines before a request line are ignored (RFC 9112 2.2), more are refused. Trailer fields are
 * checked like header fields and then ignored.
 */
final class RequestDecoder {

    private static final int MAX_CHUNK_LINE = 1024;

    /** What {@link #next()} found. */
    enum Event {
        /** The buffered bytes do not complete anything: feed more. */
        NEED_MORE,
        /** A request head was parsed into {@link #request()}: call {@link #readBody()} or {@link #skipBody()}. */
        HEAD,
        /** The body asked for with {@link #readBody()} has been read completely. */
        BODY_DONE,
        /** The input is malformed or over a limit: answer {@link #error()} and close; the decoder is done. */
        ERROR
    }

    enum State {
        /** Waiting for (the rest of) a request head. */
        HEAD,
        /** Decided by the caller after {@link Event#HEAD}. */
        AFTER_HEAD,
        /** Content-Length body. */
        BODY,
        CHUNK_SIZE,
        CHUNK_DATA,
        /** The CRLF after a chunk's data. */
        CHUNK_CRLF,
        TRAILER,
        /** Failed, or stopped because the connection ends after the current response. */
        DONE
    }

    private final int maxHeaderBytes;
    private final int maxHeaderCount;
    private final int maxBodyBytes;
    private final int maxBuffer;
    private final Request request;

    private byte[] in = new byte[2048];
    private ByteBuffer inBuf = ByteBuffer.wrap(in);
    private int start;        // first unconsumed byte
    private int end;          // end of the buffered bytes
    private int scanPos;      // head: next byte to look at for a line end
    private int lineStart;    // head: start of the line being scanned

    private State state = State.HEAD;
    private boolean readingBody;   // the body goes to the handler (else it is skipped)
    private long remaining;        // bytes left of the Content-Length body or of the current chunk
    private boolean started;       // the first byte of the current request (an empty line counts) was seen
    private int emptyLines;
    private int trailerBytes;
    private int error;
    private long messages;         // requests started (first byte seen), including the current one

    RequestDecoder(int maxHeaderBytes, int maxHeaderCount, int maxBodyBytes) {
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxHeaderCount = maxHeaderCount;
        this.maxBodyBytes = maxBodyBytes;
        this.maxBuffer = maxHeaderBytes + 2048;
        this.request = new Request(maxHeaderCount);
    }

    Request request() {
        return request;
    }

    State state() {
        return state;
    }

    /** The status to answer after {@link Event#ERROR}. */
    int error() {
        return error;
    }

    /** Number of requests whose first byte (an empty line counts) has been seen. */
    long messages() {
        return messages;
    }

    /** Whether part of a request head (or an empty line before one) has arrived and the head is not complete. */
    boolean inHead() {
        return state == State.HEAD && (started || end > start);
    }

    /** Whether nothing of the next request has arrived. */
    boolean atBoundary() {
        return state == State.HEAD && !started && end == start;
    }

    /** Whether the current request's body is being skipped (its response has been sent). */
    boolean skippingBody() {
        return state == State.BODY && !readingBody;
    }

    // ---------------------------------------------------------------- input

    /** Space to read into (position at the end of the buffered bytes), or {@code null} if the buffer is full. */
    ByteBuffer readBuffer() {
        if (end == in.length) {
            compact();
            if (end == in.length) {
                return null;
            }
        }
        inBuf.limit(in.length).position(end);
        return inBuf;
    }

    /** {@code n} bytes were put into {@link #readBuffer()}. */
    void filled(int n) {
        end += n;
    }

    /** Copies {@code b[off, off + len)} in as far as there is room; returns how many bytes were taken. */
    int feed(byte[] b, int off, int len) {
        ByteBuffer buf = readBuffer();
        if (buf == null) {
            return 0;
        }
        int n = Math.min(len, buf.remaining());
        buf.put(b, off, n);
        filled(n);
        return n;
    }

    /** Drops everything buffered and stops decoding (the connection is being closed). */
    void stop() {
        state = State.DONE;
        start = 0;
        end = 0;
    }

    private void compact() {
        if (start > 0) {
            System.arraycopy(in, start, in, 0, end - start);
            end -= start;
            scanPos -= start;
            lineStart -= start;
            start = 0;
        }
        if (end == in.length && in.length < maxBuffer) {
            byte[] bigger = new byte[Math.min(maxBuffer, in.length * 2)];
            System.arraycopy(in, 0, bigger, 0, end);
            in = bigger;
            inBuf = ByteBuffer.wrap(in);
        }
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes as far as the buffered bytes go, up to the next event. */
    Event next() {
        while (true) {
            Event e = switch (state) {
                case HEAD -> head();
                case BODY, CHUNK_DATA -> data();
                case CHUNK_SIZE -> chunkSize();
                case CHUNK_CRLF -> chunkCrlf();
                case TRAILER -> trailer();
                case AFTER_HEAD, DONE -> Event.NEED_MORE;
            };
            if (start == end) {
                start = 0;
                end = 0;
                scanPos = 0;
                lineStart = 0;
            }
            if (e != null) {
                return e;
            }
        }
    }

    /**
     * After {@link Event#HEAD}: read the body for the handler (limited to maxBodyBytes). Returns false if
     * the declared length is over the limit (answer 413 and close).
     */
    boolean readBody() {
        requireAfterHead();
        if (!request.chunked && request.contentLength > maxBodyBytes) {
            state = State.DONE;
            return false;
        }
        readingBody = true;
        if (request.chunked) {
            state = State.CHUNK_SIZE;
        } else {
            remaining = Math.max(0, request.contentLength);
            request.bodyBytes = remaining;
            state = State.BODY;
        }
        return true;
    }

    /**
     * After {@link Event#HEAD}: the handler answers without the body. A small Content-Length body is
     * skipped so the connection can be kept; returns false if there is a body that cannot be skipped
     * (chunked, over maxBodyBytes, or held back for 100-continue): the connection must close after the
     * response, and the decoder stops.
     */
    boolean skipBody() {
        requireAfterHead();
        boolean hasBody = request.chunked || request.contentLength > 0;
        if (!hasBody) {
            state = State.HEAD;
            return true;
        }
        if (request.chunked || request.contentLength > maxBodyBytes || request.expectContinue) {
            state = State.DONE;
            return false;
        }
        readingBody = false;
        remaining = request.contentLength;
        state = State.BODY;
        return true;
    }

    private void requireAfterHead() {
        if (state != State.AFTER_HEAD) {
            throw new IllegalStateException("no request head pending: " + state);
        }
    }

    private Event fail(int status) {
        error = status;
        state = State.DONE;
        return Event.ERROR;
    }

    /** Empty lines, then one head up to its empty line. */
    private Event head() {
        if (end == start) {
            return Event.NEED_MORE;
        }
        if (!started) {
            started = true;
            messages++;
            scanPos = start;
            lineStart = start;
        }
        while (scanPos == start && end - start >= 1 && in[start] == '\r') {
            if (end - start == 1) {
                return Event.NEED_MORE;   // maybe the first half of an empty line
            }
            if (in[start + 1] != '\n') {
                break;
            }
            if (++emptyLines > ServerOptions.MAX_LEADING_EMPTY_LINES) {
                return fail(400);
            }
            start += 2;
            scanPos = start;
            lineStart = start;
        }
        for (int i = scanPos; i < end; i++) {
            if (in[i] != '\n') {
                continue;
            }
            if (i == start || in[i - 1] != '\r') {
                return fail(400);   // bare LF
            }
            if (i - 1 == lineStart && lineStart > start) {
                return completeHead(i + 1);
            }
            lineStart = i + 1;
        }
        scanPos = end;
        if (end - start > maxHeaderBytes) {
            return fail(lineStart == start ? 414 : 431);
        }
        return Event.NEED_MORE;
    }

    private Event completeHead(int headEnd) {
        if (headEnd - start > maxHeaderBytes) {
            int lf = Http.indexOf(in, start, headEnd, (byte) '\n');
            return fail(lf - start > maxHeaderBytes ? 414 : 431);
        }
        int status = Http.parseHead(in, start, headEnd, request, maxHeaderCount);
        start = headEnd;
        scanPos = 0;
        lineStart = 0;
        emptyLines = 0;
        started = false;
        if (status != 0) {
            return fail(status);
        }
        state = State.AFTER_HEAD;
        return Event.HEAD;
    }

    /** Content-Length body or chunk data: consumed (and counted or skipped) as it arrives. */
    private Event data() {
        int take = (int) Math.min(remaining, end - start);
        start += take;
        remaining -= take;
        if (remaining > 0) {
            return Event.NEED_MORE;
        }
        if (state == State.CHUNK_DATA) {
            state = State.CHUNK_CRLF;
            return null;
        }
        return messageDone();
    }

    private Event messageDone() {
        state = State.HEAD;
        if (!readingBody) {
            return null;
        }
        readingBody = false;
        request.bodyRead = true;
        return Event.BODY_DONE;
    }

    private Event chunkSize() {
        int lf = Http.indexOf(in, start, end, (byte) '\n');
        if (lf < 0) {
            return end - start > MAX_CHUNK_LINE ? fail(400) : Event.NEED_MORE;
        }
        if (lf == start || in[lf - 1] != '\r') {
            return fail(400);
        }
        long size = Http.parseChunkSize(in, start, lf - 1);
        start = lf + 1;
        if (size < 0) {
            return fail(400);
        }
        if (size == 0) {
            trailerBytes = 0;
            state = State.TRAILER;
            return null;
        }
        request.bodyBytes += size;
        if (request.bodyBytes > maxBodyBytes) {
            return fail(413);
        }
        remaining = size;
        state = State.CHUNK_DATA;
        return null;
    }

    private Event chunkCrlf() {
        if (end - start < 2) {
            return end - start == 1 && in[start] != '\r' ? fail(400) : Event.NEED_MORE;
        }
        if (in[start] != '\r' || in[start + 1] != '\n') {
            return fail(400);
        }
        start += 2;
        state = State.CHUNK_SIZE;
        return null;
    }

    /** Trailer fields (checked, then ignored) up to the empty line that ends the message. */
    private Event trailer() {
        int lf = Http.indexOf(in, start, end, (byte) '\n');
        if (lf < 0) {
            return trailerBytes + end - start > maxHeaderBytes ? fail(431) : Event.NEED_MORE;
        }
        if (lf == start || in[lf - 1] != '\r') {
            return fail(400);
        }
        int lineEnd = lf - 1;
        trailerBytes += lf + 1 - start;
        if (lineEnd == start) {
            start = lf + 1;
            return messageDone();
        }
        if (trailerBytes > maxHeaderBytes) {
            return fail(431);
        }
        if (Http.fieldColon(in, start, lineEnd) < 0) {
            return fail(400);
        }
        start = lf + 1;
        return null;
    }
}

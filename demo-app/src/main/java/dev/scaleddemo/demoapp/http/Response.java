package dev.scaleddemo.demoapp.http;

import java.nio.charset.StandardCharsets;

/** Response being built by a {@link Handler}. Reused per connection. */
public final class Response {

    private static final byte[] EMPTY = new byte[0];

    int status;
    String contentType;
    byte[] body;
    String[] headers = new String[16];   // name, value, name, value, ...
    int headerCount;                      // number of strings used in headers
    boolean close;

    Response() {
        reset();
    }

    void reset() {
        status = 200;
        contentType = null;
        body = EMPTY;
        for (int i = 0; i < headerCount; i++) {
            headers[i] = null;
        }
        headerCount = 0;
        close = false;
    }

    public Response status(int code) {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("status " + code);
        }
        this.status = code;
        return this;
    }

    /**
     * Adds a header. The server sets {@code Date}, {@code Content-Length} and {@code Connection} itself;
     * {@code Content-Type} goes through {@link #body}. CR, LF and other control characters in the value
     * are replaced by a space.
     */
    public Response header(String name, String value) {
        if (headerCount + 2 > headers.length) {
            String[] bigger = new String[headers.length * 2];
            System.arraycopy(headers, 0, bigger, 0, headerCount);
            headers = bigger;
        }
        headers[headerCount++] = name;
        headers[headerCount++] = value;
        return this;
    }

    public Response body(String contentType, byte[] body) {
        this.contentType = contentType;
        this.body = body == null ? EMPTY : body;
        return this;
    }

    public Response body(String contentType, String body) {
        return body(contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Close the connection after this response (adds {@code Connection: close}). */
    public Response close() {
        this.close = true;
        return this;
    }
}

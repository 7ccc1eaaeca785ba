package dev.scaleddemo.demoapp.http;

import java.nio.charset.StandardCharsets;

/** A parsed request head. Reused per connection: valid only until {@link Handler#handle} returns. */
public final class Request {

    String method;
    String target;
    String path;
    boolean http11;
    boolean keepAlive;
    long contentLength;      // -1: none
    boolean chunked;
    boolean expectContinue;
    long bodyBytes;
    boolean bodyRead;
    Object attachment;

    // Copy of the head bytes and [nameStart, nameEnd, valueStart, valueEnd] per header.
    byte[] head = new byte[512];
    int[] fields;
    int fieldCount;

    Request(int maxHeaderCount) {
        fields = new int[maxHeaderCount * 4];
    }

    void reset() {
        method = null;
        target = null;
        path = null;
        http11 = true;
        keepAlive = true;
        contentLength = -1;
        chunked = false;
        expectContinue = false;
        bodyBytes = 0;
        bodyRead = false;
        attachment = null;
        fieldCount = 0;
    }

    /** Method as sent (case-sensitive). */
    public String method() {
        return method;
    }

    /** Request target as sent (origin-form, absolute-form or {@code *}). */
    public String target() {
        return target;
    }

    /**
     * Raw (not percent-decoded) path without the query, like {@code URI.getRawPath()}; for an
     * absolute-form target the path part of the URI; {@code *} for the asterisk-form ({@code OPTIONS *});
     * {@code ""} for an authority-only absolute-form target.
     */
    public String path() {
        return path;
    }

    /** {@code true} for HTTP/1.1, {@code false} for HTTP/1.0. */
    public boolean isHttp11() {
        return http11;
    }

    /** Whether the body was read before {@link Handler#handle} (i.e. {@link Handler#wantsBody} said so). */
    public boolean bodyRead() {
        return bodyRead;
    }

    /** Body size in bytes once read (decoded size for chunked bodies). */
    public long bodyBytes() {
        return bodyBytes;
    }

    /** Free slot for the handler, e.g. to carry a decision from {@link Handler#wantsBody} to {@link Handler#handle}. */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object value) {
        attachment = value;
    }

    /** First value of the named header (case-insensitive), OWS trimmed, or {@code null}. */
    public String header(String name) {
        for (int i = 0; i < fieldCount; i++) {
            int ns = fields[4 * i];
            int ne = fields[4 * i + 1];
            if (Http.equalsIgnoreCase(head, ns, ne, name)) {
                int vs = fields[4 * i + 2];
                return new String(head, vs, fields[4 * i + 3] - vs, StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }
}

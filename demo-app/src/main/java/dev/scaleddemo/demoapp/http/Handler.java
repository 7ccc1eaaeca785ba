package dev.scaleddemo.demoapp.http;

/**
 * Application callback of {@link NioHttpServer}. Both methods run on the connection's I/O thread and
 * must not block; the {@link Request} and {@link Response} objects are reused for the next request
 * on the same connection, so they must not be kept after {@link #handle} returns.
 */
public interface Handler {

    /**
     * Called once per request as soon as its head (request line and headers) is parsed, before
     * {@link #handle}. Return {@code true} to have the server read (and discard) the body first,
     * enforcing {@link ServerOptions#maxBodyBytes()} (over the limit the server answers {@code 413} and
     * closes the connection, and {@link #handle} is not called). Return {@code false} to have
     * {@link #handle} called right away; a small body is then skipped, a large or chunked one makes
     * the server close the connection after the response.
     */
    boolean wantsBody(Request request);

    /** Fills in the response; the server adds {@code Date}, {@code Content-Length} and {@code Connection}. */
    void handle(Request request, Response response);
}

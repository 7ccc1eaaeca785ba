package dev.scaleddemo.demoapp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A raw HTTP/1.1 client connection for protocol-level tests (exact bytes on the wire). */
final class RawHttp implements AutoCloseable {

    record Reply(int status, String statusLine, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawHttp(int port) throws IOException {
        this(port, 0);
    }

    /** {@code receiveBuffer > 0}: small client receive buffer, so the server's responses back up. */
    RawHttp(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream());
    }

    RawHttp send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    Socket socket() {
        return socket;
    }

    /** Reads one response; {@code headRequest}: the response has no body whatever Content-Length says. */
    Reply read(boolean headRequest) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String l;
        while (!(l = line()).isEmpty()) {
            int colon = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(colon + 1).trim());
        }
        String body = "";
        List<String> cl = headers.get("content-length");
        if (!headRequest && status >= 200 && cl != null) {
            body = new String(in.readNBytes(Integer.parseInt(cl.get(0))), StandardCharsets.UTF_8);
        }
        return new Reply(status, statusLine, headers, body);
    }

    Reply read() throws IOException {
        return read(false);
    }

    /** Reply to a simple request sent right now. */
    Reply exchange(String request) throws IOException {
        return send(request).read();
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    /** True if the server closes the connection (EOF or reset) within {@code millis}, with no further bytes. */
    boolean closedWithin(long millis) throws IOException {
        socket.setSoTimeout((int) millis);
        try {
            int c = in.read();
            if (c != -1) {
                throw new AssertionError("unexpected byte after the response: " + (char) c);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;   // connection reset also means closed
        } finally {
            socket.setSoTimeout(5000);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

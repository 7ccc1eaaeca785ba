package dev.scaleddemo.demoapp.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** HTTP/1.1 request-head parsing and response-encoding helpers (RFC 9110/9112), byte level. */
final class Http {

    private Http() {
    }

    static final byte[] CRLF = {'\r', '\n'};
    static final byte[] CONTINUE_100 = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final boolean[] TOKEN = new boolean[256];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    static boolean isToken(byte b) {
        return TOKEN[b & 0xff];
    }

    static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    /** Case-insensitive ASCII comparison of b[s, e) with {@code name}. */
    static boolean equalsIgnoreCase(byte[] b, int s, int e, String name) {
        if (e - s != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (lower(b[s + i] & 0xff) != lower(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] b, int s, int e, byte v) {
        for (int i = s; i < e; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Checks the field line b[p, le) (without its CRLF) like RFC 9110 5: a token name directly followed by
     * a colon (no whitespace before it, no obs-fold), a value without control characters other than HTAB.
     * Returns the colon's index, or -1 if the line is malformed.
     */
    static int fieldColon(byte[] b, int p, int le) {
        if (p == le || b[p] == ' ' || b[p] == '\t') {
            return -1;   // obs-fold
        }
        int colon = indexOf(b, p, le, (byte) ':');
        if (colon <= p) {
            return -1;
        }
        for (int i = p; i < colon; i++) {
            if (!isToken(b[i])) {
                return -1;   // includes whitespace before the colon
            }
        }
        for (int i = colon + 1; i < le; i++) {
            int c = b[i] & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return -1;
            }
        }
        return colon;
    }

    private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"};

    private static String method(byte[] b, int s, int e) {
        for (String m : METHODS) {
            if (e - s == m.length()) {
                boolean eq = true;
                for (int i = 0; i < m.length() && eq; i++) {
                    eq = b[s + i] == m.charAt(i);
                }
                if (eq) {
                    return m;
                }
            }
        }
        return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    }

    /**
     * Parses the head b[s, e) (lines ending in CRLF, the last one empty) into {@code r}. Returns 0 on success, else
     * the status to answer with (400, 431, 501, 505, 417). Framing rules: Content-Length must be digits
     * (repeated only with the same value); Transfer-Encoding only "chunked", only on HTTP/1.1 and never
     * together with Content-Length; HTTP/1.1 needs exactly one Host; no obs-fold, no whitespace before
     * the colon, no control characters.
     */
    static int parseHead(byte[] b, int s, int e, Request r, int maxFields) {
        r.reset();
        int len = e - s;
        if (r.head.length < len) {
            r.head = new byte[Math.max(len, r.head.length * 2)];
        }
        System.arraycopy(b, s, r.head, 0, len);
        b = r.head;
        e = len;
        s = 0;

        int lf = indexOf(b, s, e, (byte) '\n');
        int le = lf - 1;   // the decoder has checked that every line ends in CRLF
        int sp1 = indexOf(b, s, le, (byte) ' ');
        if (sp1 <= s) {
            return 400;
        }
        int sp2 = indexOf(b, sp1 + 1, le, (byte) ' ');
        if (sp2 < 0 || sp2 == sp1 + 1) {
            return 400;
        }
        for (int i = s; i < sp1; i++) {
            if (!isToken(b[i])) {
                return 400;
            }
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            int c = b[i] & 0xff;
            if (c <= 0x20 || c >= 0x7f) {
                return 400;
            }
        }
        int vs = sp2 + 1;
        if (le - vs != 8 || b[vs] != 'H' || b[vs + 1] != 'T' || b[vs + 2] != 'T' || b[vs + 3] != 'P'
                || b[vs + 4] != '/' || !isDigit(b[vs + 5]) || b[vs + 6] != '.' || !isDigit(b[vs + 7])) {
            return 400;
        }
        if (b[vs + 5] != '1' || (b[vs + 7] != '0' && b[vs + 7] != '1')) {
            return 505;
        }
        r.http11 = b[vs + 7] == '1';
        r.method = method(b, s, sp1);
        r.target = new String(b, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
        r.path = pathOf(r.target);
        if (r.path == null) {
            return 400;
        }

        int hosts = 0;
        boolean connClose = false;
        boolean connKeepAlive = false;
        int p = lf + 1;
        while (true) {
            lf = indexOf(b, p, e, (byte) '\n');
            le = lf - 1;
            if (le == p) {
                break;   // empty line: end of head
            }
            int colon = fieldColon(b, p, le);
            if (colon < 0) {
                return 400;
            }
            int v0 = colon + 1;
            int v1 = le;
            while (v0 < v1 && (b[v0] == ' ' || b[v0] == '\t')) {
                v0++;
            }
            while (v1 > v0 && (b[v1 - 1] == ' ' || b[v1 - 1] == '\t')) {
                v1--;
            }
            if (r.fieldCount == maxFields) {
                return 431;
            }
            int f = 4 * r.fieldCount++;
            r.fields[f] = p;
            r.fields[f + 1] = colon;
            r.fields[f + 2] = v0;
            r.fields[f + 3] = v1;

            int nl = colon - p;
            if (nl == 4 && equalsIgnoreCase(b, p, colon, "host")) {
                hosts++;
            } else if (nl == 14 && equalsIgnoreCase(b, p, colon, "content-length")) {
                long n = parseLength(b, v0, v1);
                if (n < 0 || (r.contentLength >= 0 && r.contentLength != n)) {
                    return 400;
                }
                r.contentLength = n;
            } else if (nl == 17 && equalsIgnoreCase(b, p, colon, "transfer-encoding")) {
                if (r.chunked || !equalsIgnoreCase(b, v0, v1, "chunked")) {
                    return 501;   // only a single "chunked" coding is implemented
                }
                r.chunked = true;
            } else if (nl == 10 && equalsIgnoreCase(b, p, colon, "connection")) {
                int t = v0;
                while (t <= v1) {
                    int comma = indexOf(b, t, v1, (byte) ',');
                    int te = comma < 0 ? v1 : comma;
                    int a = t;
                    int z = te;
                    while (a < z && (b[a] == ' ' || b[a] == '\t')) {
                        a++;
                    }
                    while (z > a && (b[z - 1] == ' ' || b[z - 1] == '\t')) {
                        z--;
                    }
                    connClose |= equalsIgnoreCase(b, a, z, "close");
                    connKeepAlive |= equalsIgnoreCase(b, a, z, "keep-alive");
                    t = te + 1;
                }
            } else if (nl == 6 && equalsIgnoreCase(b, p, colon, "expect")) {
                if (!equalsIgnoreCase(b, v0, v1, "100-continue")) {
                    return 417;
                }
                r.expectContinue = r.http11;
            }
            p = lf + 1;
        }
        if (r.chunked && (r.contentLength >= 0 || !r.http11)) {
            return 400;   // ambiguous framing (request smuggling) / chunked is HTTP/1.1 only
        }
        if (r.http11 && hosts != 1) {
            return 400;
        }
        r.keepAlive = r.http11 ? !connClose : connKeepAlive && !connClose;
        return 0;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static long parseLength(byte[] b, int s, int e) {
        if (e <= s || e - s > 18) {
            return -1;
        }
        long n = 0;
        for (int i = s; i < e; i++) {
            if (!isDigit(b[i])) {
                return -1;
            }
            n = n * 10 + (b[i] - '0');
        }
        return n;
    }

    /**
     * Raw path of a request target, like URI.getRawPath(); null if the target is not a valid form:
     * origin-form ({@code /...}), {@code *}, or absolute-form {@code http://host[:port]...} or
     * {@code https://...} (scheme case-insensitive; a non-empty host; no userinfo, RFC 9110 4.2.4).
     */
    static String pathOf(String target) {
        int start;
        if (target.charAt(0) == '/') {
            start = 0;
        } else if (target.equals("*")) {
            return "*";
        } else {
            int authority;
            if (target.regionMatches(true, 0, "http://", 0, 7)) {
                authority = 7;
            } else if (target.regionMatches(true, 0, "https://", 0, 8)) {
                authority = 8;
            } else {
                return null;
            }
            int authorityEnd = authority;
            while (authorityEnd < target.length() && "/?#".indexOf(target.charAt(authorityEnd)) < 0) {
                authorityEnd++;
            }
            if (!validAuthority(target, authority, authorityEnd)) {
                return null;
            }
            if (authorityEnd == target.length() || target.charAt(authorityEnd) != '/') {
                return "";
            }
            start = authorityEnd;
        }
        int end = target.length();
        for (int i = start; i < end; i++) {
            char c = target.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return start == 0 && end == target.length() ? target : target.substring(start, end);
    }

    /** host [":" port] with host a reg-name or an IP literal in brackets (RFC 3986 3.2), no userinfo. */
    private static boolean validAuthority(String t, int s, int e) {
        int hostEnd;
        if (s < e && t.charAt(s) == '[') {
            int close = t.indexOf(']', s);
            if (close < 0 || close >= e || close == s + 1) {
                return false;
            }
            for (int i = s + 1; i < close; i++) {
                char c = t.charAt(i);
                if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                    return false;
                }
            }
            hostEnd = close + 1;
        } else {
            hostEnd = s;
            while (hostEnd < e && t.charAt(hostEnd) != ':') {
                char c = t.charAt(hostEnd);
                if (!(c < 128 && (Character.isLetterOrDigit(c) || "-._~%!$&'()*+,;=".indexOf(c) >= 0))) {
                    return false;   // includes '@' (userinfo)
                }
                hostEnd++;
            }
            if (hostEnd == s) {
                return false;
            }
        }
        if (hostEnd == e) {
            return true;
        }
        if (t.charAt(hostEnd) != ':' || e - hostEnd - 1 > 5) {
            return false;
        }
        for (int i = hostEnd + 1; i < e; i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses a chunk-size line b[s, e) (without the line ending): hex size, optional whitespace and
     * chunk extensions (ignored). Returns the size or -1 if malformed.
     */
    static long parseChunkSize(byte[] b, int s, int e) {
        long n = 0;
        int i = s;
        for (; i < e; i++) {
            int d = Character.digit(b[i], 16);
            if (d < 0) {
                break;
            }
            if (i - s >= 15) {
                return -1;
            }
            n = (n << 4) | d;
        }
        if (i == s) {
            return -1;
        }
        while (i < e && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        if (i < e && b[i] != ';') {
            return -1;
        }
        for (; i < e; i++) {
            int c = b[i] & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return -1;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- responses

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 417 -> "Expectation Failed";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }

    private static final byte[][] STATUS_LINES = new byte[600][];

    static byte[] statusLine(int status) {
        byte[] l = STATUS_LINES[status];
        if (l == null) {
            l = ("HTTP/1.1 " + status + " " + reason(status) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            STATUS_LINES[status] = l;   // benign race: same content
        }
        return l;
    }

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** "Date: ...\r\n" for the given second. */
    static byte[] dateLine(long epochSecond) {
        return ("Date: " + IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond)) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}

package dev.scaleddemo.demoapp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.scaleddemo.demoapp.TestApps.send;
import static dev.scaleddemo.demoapp.TestApps.uri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class RoutesTest {

    private static DemoApp app;
    private static HttpClient http;

    @BeforeAll
    static void startServer() throws Exception {
        app = TestApps.start(TestApps.loopbackConfig(0, 2000));
        http = TestApps.client();
    }

    @AfterAll
    static void stopServer() {
        app.stop();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(http, HttpRequest.newBuilder(uri(app, path)).GET());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(http, HttpRequest.newBuilder(uri(app, path)).POST(BodyPublishers.ofString(body)));
    }

    @Test
    void indexPageIsSelfContainedHtml() throws Exception {
        HttpResponse<String> r = get("/");
        assertEquals(200, r.statusCode());
        assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        String html = r.body();
        assertTrue(html.contains("Hit me!"), "button text");
        assertTrue(html.contains("'/click-button'") && html.contains("method: 'POST'"), "posts to /click-button");
        assertTrue(html.contains("id=\"rate\"") && html.contains("id=\"auto\""), "auto-click control");
        assertTrue(html.contains("X-Served-By"), "shows serving host");
        assertFalse(html.contains("src=\"http"), "no external scripts");
        assertFalse(html.contains("href=\"http"), "no external stylesheets/links");
    }

    @Test
    void clickReturnsEmptyJsonAndCounts() throws Exception {
        long before = app.clickCount();
        HttpResponse<String> r = post("/click-button", "");
        assertEquals(200, r.statusCode());
        assertEquals("{}", r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(app.hostname(), r.headers().firstValue("X-Served-By").orElseThrow());
        long total = Long.parseLong(r.headers().firstValue("X-Clicks-Total").orElseThrow());
        assertTrue(total >= before + 1);
        assertTrue(app.clickCount() >= before + 1);

        HttpResponse<String> c = get("/clicks");
        assertEquals(200, c.statusCode());
        assertEquals("application/json", c.headers().firstValue("Content-Type").orElseThrow());
        Matcher m = Pattern.compile("\\{\"total\":(\\d+),\"hostname\":\"([^\"]*)\"}").matcher(c.body());
        assertTrue(m.matches(), c.body());
        assertTrue(Long.parseLong(m.group(1)) >= total);
        assertEquals(app.hostname(), m.group(2));
    }

    @Test
    void bodyAtLimitIsAccepted() throws Exception {
        assertEquals(200, post("/click-button", "x".repeat(app.config().maxBodyBytes())).statusCode());
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        long before = app.clickCount();
        HttpResponse<String> r = post("/click-button", "x".repeat(app.config().maxBodyBytes() + 1));
        assertEquals(413, r.statusCode());
        // chunked upload (no Content-Length) is limited too
        byte[] big = new byte[64 * 1024];
        HttpResponse<String> chunked = send(http, HttpRequest.newBuilder(uri(app, "/click-button"))
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertEquals(413, chunked.statusCode());
        assertEquals(before, app.clickCount(), "rejected requests must not count");
        // the server is still healthy afterwards
        assertEquals(200, get("/healthz").statusCode());
    }

    @Test
    void healthAndReadiness() throws Exception {
        HttpResponse<String> h = get("/healthz");
        assertEquals(200, h.statusCode());
        HttpResponse<String> r = get("/readyz");
        assertEquals(200, r.statusCode());
    }

    @ParameterizedTest
    @CsvSource({"/nope", "/click-button/", "/metrics/x", "/index.html", "/healthz/"})
    void unknownPathIs404(String path) throws Exception {
        assertEquals(404, get(path).statusCode());
    }

    @ParameterizedTest
    @CsvSource({
            "GET,/click-button,POST",
            "PUT,/click-button,POST",
            "DELETE,/click-button,POST",
            "POST,/,GET",
            "POST,/metrics,GET",
            "PUT,/clicks,GET",
            "POST,/healthz,GET",
            "DELETE,/readyz,GET"})
    void wrongMethodIs405WithAllow(String method, String path, String allow) throws Exception {
        HttpResponse<String> r = send(http, HttpRequest.newBuilder(uri(app, path))
                .method(method, method.equals("GET") || method.equals("DELETE")
                        ? BodyPublishers.noBody() : BodyPublishers.ofString("{}")));
        assertEquals(405, r.statusCode());
        assertEquals(List.of(allow), r.headers().allValues("Allow"));
    }

    // ------------------------------------------------------------------ /metrics

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABELS = "(\\{(" + NAME + "=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*})?";
    private static final String VALUE = "(?:[-+]?(?:\\d+(?:\\.\\d*)?(?:[eE][-+]?\\d+)?|Inf|NaN))";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile(
            "# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped|info|stateset|gaugehistogram|unknown)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")" + LABELS + " " + VALUE + "( -?\\d+(?:\\.\\d+)?)?");

    @Test
    void metricsTextFormatIsStrictlyParseable() throws Exception {
        post("/click-button", "");
        app.jvmMetricsRegistered().get(10, java.util.concurrent.TimeUnit.SECONDS);
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        String wire = Config.DEFAULT_METRIC_NAME;
        boolean help = false, type = false;
        Double value = null;
        boolean jvm = false, process = false;
        for (String line : r.body().split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                help |= m.group(1).equals(wire) && !m.group(2).isBlank();
            } else if ((m = TYPE.matcher(line)).matches()) {
                type |= m.group(1).equals(wire) && m.group(2).equals("counter");
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                if (m.group(1).equals(wire)) {
                    assertEquals(null, m.group(2), "counter has no labels");
                    value = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
                }
                jvm |= m.group(1).startsWith("jvm_");
                process |= m.group(1).startsWith("process_");
            } else {
                fail("unparseable metrics line: " + line);
            }
        }
        assertTrue(help, "HELP line for " + wire);
        assertTrue(type, "TYPE line for " + wire);
        assertTrue(value != null && value >= 1.0, "sample for " + wire);
        assertEquals(app.clickCount(), value.longValue());
        assertTrue(r.body().contains("\n" + wire + " "), "exact wire name");
        assertTrue(jvm, "JVM metrics");
        assertTrue(process, "process metrics");
    }

    @Test
    void metricsNegotiatesOpenMetrics() throws Exception {
        HttpResponse<String> r = send(http, HttpRequest.newBuilder(uri(app, "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8").GET());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text"));
        String body = r.body();
        assertTrue(body.endsWith("# EOF\n"), "OpenMetrics terminator");
        // OpenMetrics names the family without _total; the sample keeps it.
        assertTrue(body.contains("# TYPE demo_app_button_clicks counter\n"), body);
        assertTrue(Pattern.compile("(?m)^demo_app_button_clicks_total " + VALUE + "$").matcher(body).find(), body);
    }
}

package dev.scaleddemo.demoapp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Helpers to run a real server on an ephemeral loopback port. */
final class TestApps {

    private TestApps() {
    }

    static Config loopbackConfig(long drainMillis, long graceMillis) {
        Config d = Config.defaults();
        return new Config(0, "127.0.0.1", d.metricName(), d.maxBodyBytes(), drainMillis, graceMillis, 4,
                d.maxConnections());
    }

    /** Server options as in production (defaults), with the given timeouts in milliseconds. */
    static dev.scaleddemo.demoapp.http.ServerOptions options(Config config, long idleMillis, long requestMillis) {
        return dev.scaleddemo.demoapp.http.ServerOptions
                .fromSystemProperties(DemoApp.ioThreads(config), config.maxBodyBytes(), config.maxConnections())
                .withTimeouts(idleMillis, requestMillis, 10_000);
    }

    static DemoApp start(Config config, dev.scaleddemo.demoapp.http.ServerOptions options) throws IOException {
        DemoApp app = new DemoApp(config, options);
        app.start();
        return app;
    }

    static DemoApp start(Config config) throws IOException {
        DemoApp app = new DemoApp(config);
        app.start();
        return app;
    }

    static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    static URI uri(DemoApp app, String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    static HttpResponse<String> send(HttpClient c, HttpRequest.Builder b) throws IOException, InterruptedException {
        return c.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.scaleddemo.demoapp;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConcurrencyTest {

    private static final int CLIENTS = 16;
    private static final int CLICKS_PER_CLIENT = 250;

    @Test
    void concurrentClicksAreCountedExactly() throws Exception {
        DemoApp app = TestApps.start(TestApps.loopbackConfig(0, 2000));
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                results.add(pool.submit(() -> {
                    // one client (own connection pool) per worker
                    HttpClient http = TestApps.client();
                    HttpRequest req = HttpRequest.newBuilder(TestApps.uri(app, "/click-button"))
                            .POST(HttpRequest.BodyPublishers.noBody()).build();
                    go.await();
                    int ok = 0;
                    for (int i = 0; i < CLICKS_PER_CLIENT; i++) {
                        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200 && r.body().equals("{}")) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            go.countDown();
            int ok = 0;
            for (Future<Integer> f : results) {
                ok += f.get(60, TimeUnit.SECONDS);
            }
            long expected = (long) CLIENTS * CLICKS_PER_CLIENT;
            assertEquals(expected, ok, "every request succeeded");
            assertEquals(expected, app.clickCount());

            HttpResponse<String> metrics = TestApps.send(TestApps.client(),
                    HttpRequest.newBuilder(TestApps.uri(app, "/metrics")).GET());
            Matcher m = Pattern.compile("(?m)^demo_app_button_clicks_total (\\S+)$").matcher(metrics.body());
            assertTrue(m.find(), metrics.body());
            assertEquals((double) expected, Double.parseDouble(m.group(1)));
        } finally {
            pool.shutdownNow();
            app.stop();
        }
    }
}

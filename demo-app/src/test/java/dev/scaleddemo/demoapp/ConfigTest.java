package dev.scaleddemo.demoapp;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigTest {

    @Test
    void defaults() {
        Config c = Config.fromEnv(Map.of());
        assertEquals(8000, c.port());
        assertEquals("0.0.0.0", c.bindAddress());
        assertEquals("demo_app_button_clicks_total", c.metricName());
        assertEquals("demo_app_button_clicks", c.counterBaseName());
        assertEquals("demo_app_button_clicks_total", c.wireName());
        assertEquals(1024, c.maxBodyBytes());
        assertEquals(2000, c.drainMillis());
        assertEquals(10_000, c.graceMillis());
        assertEquals(8, c.threads());
        assertEquals(1024, c.maxConnections());
    }

    @Test
    void overrides() {
        Config c = Config.fromEnv(Map.of("PORT", "9000", "BIND_ADDRESS", "127.0.0.1", "METRIC_NAME", "clicks",
                "MAX_BODY_BYTES", "16", "SHUTDOWN_DRAIN_SECONDS", "0.5", "SHUTDOWN_GRACE_SECONDS", "3",
                "HTTP_THREADS", "2", "HTTP_MAX_CONNECTIONS", "50"));
        assertEquals(9000, c.port());
        assertEquals("127.0.0.1", c.bindAddress());
        assertEquals("clicks_total", c.wireName());
        assertEquals(16, c.maxBodyBytes());
        assertEquals(500, c.drainMillis());
        assertEquals(3000, c.graceMillis());
        assertEquals(2, c.threads());
        assertEquals(50, c.maxConnections());
    }

    @Test
    void rejectsInvalidValues() {
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("PORT", "http")));
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("PORT", "70000")));
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("METRIC_NAME", "bad-name")));
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("MAX_BODY_BYTES", "-1")));
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("SHUTDOWN_GRACE_SECONDS", "NaN")));
        assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("SHUTDOWN_DRAIN_SECONDS", "5", "SHUTDOWN_GRACE_SECONDS", "1")));
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("HTTP_THREADS", "0")));
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("HTTP_MAX_CONNECTIONS", "0")));
    }

    @Test
    void connectionLimitStaysBelowTheOpenFileLimit() throws Exception {
        assertEquals(1024, DemoApp.connectionLimit(1024, OptionalLong.empty()));
        assertEquals(1024, DemoApp.connectionLimit(1024, OptionalLong.of(1_048_576)));
        assertEquals(448, DemoApp.connectionLimit(1024, OptionalLong.of(512)));
        assertEquals(1, DemoApp.connectionLimit(1024, OptionalLong.of(10)));
        // the JVM's own limit, as a child shell inherits it
        Process sh = new ProcessBuilder("sh", "-c", "ulimit -n").redirectErrorStream(true).start();
        String ulimit = new String(sh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        assertEquals(0, sh.waitFor());
        assertEquals("unlimited".equals(ulimit) ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(ulimit)),
                DemoApp.openFileLimit());
    }
}

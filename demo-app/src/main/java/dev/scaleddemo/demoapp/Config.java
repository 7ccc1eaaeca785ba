package dev.scaleddemo.demoapp;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runtime configuration, read from environment variables (all optional).
 *
 * <ul>
 *   <li>{@code PORT} (default 8000; 0 = ephemeral)</li>
 *   <li>{@code BIND_ADDRESS} (default 0.0.0.0)</li>
 *   <li>{@code METRIC_NAME} (default demo_app_button_clicks_total; must end in _total,
 *       otherwise _total is appended on the wire)</li>
 *   <li>{@code MAX_BODY_BYTES} (default 1024)</li>
 *   <li>{@code SHUTDOWN_DRAIN_SECONDS} (default 2): time readiness reports 503 before the listener closes</li>
 *   <li>{@code SHUTDOWN_GRACE_SECONDS} (default 10): total shutdown budget, drain included</li>
 *   <li>{@code HTTP_THREADS} (default 8): upper bound on the HTTP server's event-loop threads</li>
 *   <li>{@code HTTP_MAX_CONNECTIONS} (default 1024): most open client connections</li>
 * </ul>
 */
public record Config(
        int port,
        String bindAddress,
        String metricName,
        int maxBodyBytes,
        long drainMillis,
        long graceMillis,
        int threads,
        int maxConnections) {

    public static final String DEFAULT_METRIC_NAME = "demo_app_button_clicks_total";
    private static final Pattern METRIC_NAME_RE = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    public Config {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("PORT out of range: " + port);
        }
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("BIND_ADDRESS must not be empty");
        }
        if (metricName == null || !METRIC_NAME_RE.matcher(metricName).matches()) {
            throw new IllegalArgumentException("METRIC_NAME is not a valid Prometheus metric name: " + metricName);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("MAX_BODY_BYTES must be >= 0");
        }
        if (drainMillis < 0 || graceMillis < 0) {
            throw new IllegalArgumentException("shutdown timings must be >= 0");
        }
        if (drainMillis > graceMillis) {
            throw new IllegalArgumentException("SHUTDOWN_DRAIN_SECONDS must not exceed SHUTDOWN_GRACE_SECONDS");
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("HTTP_THREADS out of range: " + threads);
        }
        if (maxConnections < 1 || maxConnections > 1_000_000) {
            throw new IllegalArgumentException("HTTP_MAX_CONNECTIONS out of range [1, 1000000]: " + maxConnections);
        }
    }

    public static Config defaults() {
        return fromEnv(Map.of());
    }

    public static Config fromEnv(Map<String, String> env) {
        return new Config(
                intVar(env, "PORT", 8000),
                strVar(env, "BIND_ADDRESS", "0.0.0.0"),
                strVar(env, "METRIC_NAME", DEFAULT_METRIC_NAME),
                intVar(env, "MAX_BODY_BYTES", 1024),
                secondsVar(env, "SHUTDOWN_DRAIN_SECONDS", 2.0),
                secondsVar(env, "SHUTDOWN_GRACE_SECONDS", 10.0),
                intVar(env, "HTTP_THREADS", 8),
                intVar(env, "HTTP_MAX_CONNECTIONS", 1024));
    }

    /** Counter base name as given to the Prometheus client (which appends {@code _total} itself). */
    public String counterBaseName() {
        return metricName.endsWith("_total")
                ? metricName.substring(0, metricName.length() - "_total".length())
                : metricName;
    }

    /** Name as it appears on the wire in the text formats. */
    public String wireName() {
        return counterBaseName() + "_total";
    }

    private static String strVar(Map<String, String> env, String name, String def) {
        String v = env.get(name);
        return v == null || v.isBlank() ? def : v.trim();
    }

    private static int intVar(Map<String, String> env, String name, int def) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not an integer: " + v);
        }
    }

    private static long secondsVar(Map<String, String> env, String name, double def) {
        String v = env.get(name);
        double secs = def;
        if (v != null && !v.isBlank()) {
            try {
                secs = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " is not a number: " + v);
            }
        }
        if (!(secs >= 0) || secs > 3600) {
            throw new IllegalArgumentException(name + " out of range [0, 3600]: " + v);
        }
        return Math.round(secs * 1000);
    }
}

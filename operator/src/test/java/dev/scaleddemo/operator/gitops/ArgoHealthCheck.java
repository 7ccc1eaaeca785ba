package dev.scaleddemo.operator.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.it.LocalCluster;
import dev.scaleddemo.operator.status.Conditions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The shipped Argo CD health check (deploy/argocd/resource_customizations/scaleddemo.dev/ScaledDemoApp/health.lua)
 * run by a Lua 5.1 interpreter (Debian's lua5.1, as Argo CD's gopher-lua implements 5.1), and the status objects it
 * is tested on (testdata/, written by GitOpsHealthIT from the real control plane).
 */
public final class ArgoHealthCheck {
  public static final Path DIR = TestApps.root()
      .resolve("deploy/argocd/resource_customizations/scaleddemo.dev/ScaledDemoApp");
  public static final Path TESTDATA = DIR.resolve("testdata");
  public static final String LUA = "lua5.1";
  /** What the testdata keeps of volatile fields: the same value every run. */
  static final String TIME = "2026-01-01T00:00:00Z";
  /** Conditions the HPA controller writes on its own schedule (the operator mirrors them). */
  static final List<String> HPA_CONDITIONS = List.of(Conditions.ABLE_TO_SCALE, Conditions.SCALING_ACTIVE,
      Conditions.SCALING_LIMITED);

  public record Health(String status, String message) {}

  private ArgoHealthCheck() {}

  /** Runs health.lua with {@code obj} as Argo CD does (a global {@code obj}; the chunk returns the health). */
  public static Health run(JsonNode obj) {
    String script = "obj = " + lua(obj) + "\nlocal hs = dofile(" + luaString(DIR.resolve("health.lua").toString())
        + ")\nio.write(hs.status or '', '\\n', hs.message or '')\n";
    LocalCluster.Result r;
    try {
      r = LocalCluster.exec(DIR, Map.of(), Duration.ofSeconds(30), script, LUA, "-");
    } catch (IllegalStateException e) {
      throw new IllegalStateException(LUA + " not found: install Debian's lua5.1 (.ci/run does)", e);
    }
    if (r.code() != 0) throw new IllegalStateException("health.lua failed: " + r.output());
    String[] lines = r.stdout().split("\n", 2);
    return new Health(lines[0], lines.length > 1 ? lines[1] : "");
  }

  /** A Lua table constructor for a JSON value. */
  static String lua(JsonNode v) {
    if (v.isObject()) {
      StringBuilder sb = new StringBuilder("{");
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().isNull()) sb.append('[').append(luaString(e.getKey())).append("]=").append(lua(e.getValue())).append(',');
      }
      return sb.append('}').toString();
    }
    if (v.isArray()) {
      StringBuilder sb = new StringBuilder("{");
      v.forEach(x -> sb.append(lua(x)).append(','));
      return sb.append('}').toString();
    }
    if (v.isNumber() || v.isBoolean()) return v.asText();
    if (v.isNull()) return "nil";
    return luaString(v.asText());
  }

  private static String luaString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\0' -> sb.append("\\0");
        default -> sb.append(ch);
      }
    }
    return sb.append('"').toString();
  }

  /**
   * An object as the API server returned it, with what differs from run to run (uid, resourceVersion, creation
   * and transition times, managedFields) set to fixed values: what testdata/ holds.
   */
  public static ObjectNode scrub(JsonNode stored) {
    ObjectNode o = stored.deepCopy();
    ObjectNode meta = (ObjectNode) o.get("metadata");
    meta.remove("managedFields");
    meta.put("uid", "00000000-0000-0000-0000-000000000000");
    meta.put("resourceVersion", "1");
    meta.put("creationTimestamp", TIME);
    o.path("status").path("conditions").forEach(c -> ((ObjectNode) c).put("lastTransitionTime", TIME));
    if (o.path("status") instanceof ObjectNode status) {
      if (status.has("lastScaleTime")) status.put("lastScaleTime", TIME);
      if (status.path("metric") instanceof ObjectNode metric) {
        for (String time : List.of("lastSeenTime", "missingSince")) {
          if (metric.has(time)) metric.put(time, TIME);
        }
      }
    }
    return o;
  }

  /** What the drift check compares: the scrubbed object without what the HPA controller reports when it likes. */
  public static ObjectNode comparable(JsonNode stored) {
    ObjectNode o = scrub(stored);
    if (o.path("status") instanceof ObjectNode status) {
      // and what follows from those reports: the metric, the mode, the fallback
      status.remove(List.of("desiredReplicas", "currentClicksPerSecondPerPod", "lastScaleTime", "metric",
          "scalingMode"));
      if (status.path("conditions") instanceof ArrayNode conditions) {
        for (int i = conditions.size() - 1; i >= 0; i--) {
          String type = conditions.get(i).path("type").asText();
          if (HPA_CONDITIONS.contains(type) || Conditions.FALLBACK.equals(type)) conditions.remove(i);
        }
      }
    }
    return o;
  }
}

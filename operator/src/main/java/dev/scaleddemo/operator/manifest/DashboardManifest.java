package dev.scaleddemo.operator.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/** A Grafana dashboard as a ConfigMap that kube-prometheus-stack's dashboard sidecar picks up. */
public final class DashboardManifest {
  public static final String SIDECAR_LABEL = "grafana_dashboard";
  public static final String SIDECAR_LABEL_VALUE = "1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DashboardManifest() {}

  public static ConfigMap build(ScaledDemoApp app) {
    var labels = Labels.common(app);
    labels.put(SIDECAR_LABEL, SIDECAR_LABEL_VALUE);
    return new ConfigMapBuilder()
        .withMetadata(Meta.of(app, Names.dashboard(app)).withLabels(labels).build())
        .withData(Map.of(Names.dashboardFile(app), dashboardJson(app)))
        .build();
  }

  static String dashboardJson(ScaledDemoApp app) {
    String ns = app.getMetadata().getNamespace();
    String name = app.getMetadata().getName();
    String counter = app.getSpec().getMetric().getCounter();
    String window = app.getSpec().getScaling().getRateWindow();
    String target = Quantity.getAmountInBytes(new Quantity(app.getSpec().getScaling().getTargetClicksPerSecondPerPod()))
        .stripTrailingZeros().toPlainString();
    ObjectMapper m = JSON;
    ObjectNode d = m.createObjectNode();
    d.put("title", "ScaledDemoApp " + ns + "/" + name);
    d.put("uid", Names.dashboardUid(app));
    d.put("schemaVersion", 39);
    d.put("refresh", "10s");
    d.putObject("time").put("from", "now-30m").put("to", "now");
    d.putObject("templating").putArray("list").addObject()
        .put("name", "datasource").put("type", "datasource").put("query", "prometheus");
    ArrayNode panels = d.putArray("panels");
    panels.add(panel(m, 1, "Clicks per second per pod (target " + target + ")", 0,
        target("sum by (pod) (rate(" + counter + "{namespace=\"" + ns + "\",service=\"" + name + "\"}[" + window
            + "]))", "{{pod}}"),
        target("vector(" + target + ")", "target per pod")));
    panels.add(panel(m, 2, "Replicas: current and desired", 12,
        target("kube_horizontalpodautoscaler_status_current_replicas{namespace=\"" + ns
            + "\",horizontalpodautoscaler=\"" + name + "\"}", "current"),
        target("kube_horizontalpodautoscaler_status_desired_replicas{namespace=\"" + ns
            + "\",horizontalpodautoscaler=\"" + name + "\"}", "desired")));
    try {
      return m.writeValueAsString(d);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode panel(ObjectMapper m, int id, String title, int x, ObjectNode... targets) {
    ObjectNode p = m.createObjectNode();
    p.put("id", id);
    p.put("type", "timeseries");
    p.put("title", title);
    p.putObject("gridPos").put("h", 9).put("w", 12).put("x", x).put("y", 0);
    p.putObject("datasource").put("type", "prometheus").put("uid", "${datasource}");
    ArrayNode t = p.putArray("targets");
    char ref = 'A';
    for (ObjectNode target : targets) {
      t.add(target.put("refId", String.valueOf(ref++)));
    }
    return p;
  }

  private static ObjectNode target(String expr, String legend) {
    ObjectNode t = JSON.createObjectNode();
    t.put("expr", expr);
    t.put("legendFormat", legend);
    return t;
  }
}

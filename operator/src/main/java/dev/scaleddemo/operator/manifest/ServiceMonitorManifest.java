package dev.scaleddemo.operator.manifest;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitorBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Prometheus-Operator ServiceMonitor that scrapes /metrics through the Service's 'web' port. */
public final class ServiceMonitorManifest {
  public static final String METRICS_PATH = "/metrics";

  private ServiceMonitorManifest() {}

  public static ServiceMonitor build(ScaledDemoApp app) {
    var monitoring = app.getSpec().getMonitoring();
    Map<String, String> labels = new LinkedHashMap<>();
    if (monitoring.getServiceMonitorLabels() != null) {
      labels.putAll(monitoring.getServiceMonitorLabels());
    }
    labels.putAll(Labels.common(app)); // ours win: they select and identify the object
    return new ServiceMonitorBuilder()
        .withMetadata(Meta.of(app, Names.serviceMonitor(app)).withLabels(labels).build())
        .withNewSpec()
            .withNewSelector().withMatchLabels(Labels.selector(app)).endSelector()
            .addNewEndpoint()
                .withPort(Names.SERVICE_PORT)
                .withPath(METRICS_PATH)
                .withInterval(monitoring.getInterval())
            .endEndpoint()
        .endSpec()
        .build();
  }
}

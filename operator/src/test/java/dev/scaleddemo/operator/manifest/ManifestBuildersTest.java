package dev.scaleddemo.operator.manifest;

import static dev.scaleddemo.operator.TestApps.SETTINGS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.IngressSpec;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Builders against literal expected values (never the helpers the builders use themselves). */
class ManifestBuildersTest {
  /** The pod selector of the sample: app.kubernetes.io/name and instance. */
  private static final Map<String, String> SELECTOR = Map.of("app.kubernetes.io/name", "demo-app",
      "app.kubernetes.io/instance", "prometheus-demo-app");
  private final ScaledDemoApp app = TestApps.sample("prometheus-demo-app.yaml");

  @Test
  void deploymentLeavesReplicasToTheAutoscalerAndPassesRestrictedPss() {
    var d = DeploymentManifest.build(app, SETTINGS);
    assertThat(d.getSpec().getReplicas()).as("spec.replicas belongs to the HPA").isNull();
    assertThat(d.getMetadata().getName()).isEqualTo("prometheus-demo-app");
    assertThat(d.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> {
          assertThat(o.getUid()).isEqualTo(app.getMetadata().getUid());
          assertThat(o.getController()).isTrue();
        });
    var pod = d.getSpec().getTemplate().getSpec();
    var c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("example.org/demo-app:test");
    assertThat(c.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("http");
      assertThat(p.getContainerPort()).isEqualTo(8000);
    });
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(d.getSpec().getSelector().getMatchLabels()).isEqualTo(SELECTOR);
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
    assertThat(c.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("50m"), "memory",
        new Quantity("96Mi")));
    assertThat(c.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("192Mi")));
  }

  @Test
  void deploymentUsesSpecImageAndResourcesWhenGiven() {
    app.getSpec().setImage("registry.local/demo:2");
    var res = new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("1")).build();
    app.getSpec().setResources(res);
    app.getSpec().setPort(9000);
    var c = DeploymentManifest.build(app, SETTINGS).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("registry.local/demo:2");
    assertThat(c.getResources()).isEqualTo(res);
    assertThat(c.getPorts().get(0).getContainerPort()).isEqualTo(9000);
    assertThat(c.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("PORT");
      assertThat(e.getValue()).isEqualTo("9000");
    });
  }

  @Test
  void serviceExposesWebOnTheHttpContainerPort() {
    var s = ServiceManifest.build(app);
    assertThat(s.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("web");
      assertThat(p.getPort()).isEqualTo(8080);
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
    });
    assertThat(s.getSpec().getSelector()).isEqualTo(SELECTOR);
    assertThat(s.getSpec().getType()).as("server default, not ours").isNull();
  }

  @Test
  void ingressRoutesTheHostToTheServicePort() {
    var i = IngressManifest.build(app);
    assertThat(i.getSpec().getIngressClassName()).isEqualTo("nginx");
    var rule = i.getSpec().getRules().get(0);
    assertThat(rule.getHost()).isEqualTo("prometheus-demo-app.example.com");
    var path = rule.getHttp().getPaths().get(0);
    assertThat(path.getPath()).isEqualTo("/");
    assertThat(path.getPathType()).isEqualTo("Prefix");
    assertThat(path.getBackend().getService().getName()).isEqualTo("prometheus-demo-app");
    assertThat(path.getBackend().getService().getPort().getName()).isEqualTo("web");
  }

  @Test
  void ingressWithoutClassNameLeavesItToTheClusterDefault() {
    var ingress = new IngressSpec();
    ingress.setHost("a.example.com");
    app.getSpec().setIngress(ingress);
    assertThat(IngressManifest.build(app).getSpec().getIngressClassName()).isNull();
  }

  @Test
  void serviceMonitorScrapesMetricsOnWebWithExtraLabels() {
    var sm = ServiceMonitorManifest.build(app);
    assertThat(sm.getMetadata().getLabels()).isEqualTo(Map.of("release", "prometheus",
        "app.kubernetes.io/name", "demo-app", "app.kubernetes.io/instance", "prometheus-demo-app",
        "app.kubernetes.io/managed-by", "scaled-demo-operator"));
    assertThat(sm.getSpec().getSelector().getMatchLabels()).isEqualTo(SELECTOR);
    assertThat(sm.getSpec().getEndpoints()).singleElement().satisfies(e -> {
      assertThat(e.getPort()).isEqualTo("web");
      assertThat(e.getPath()).isEqualTo("/metrics");
      assertThat(e.getInterval()).isEqualTo("15s");
    });
  }

  @Test
  void serviceMonitorLabelsCannotOverrideOurs() {
    app.getSpec().getMonitoring().setServiceMonitorLabels(Map.of("app.kubernetes.io/instance", "other"));
    assertThat(ServiceMonitorManifest.build(app).getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/instance", "prometheus-demo-app");
  }

  @Test
  void hpaTargetsTheDeploymentOnThePerSecondPodsMetric() {
    var h = HpaManifest.build(app);
    assertThat(h.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(h.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
    assertThat(h.getSpec().getScaleTargetRef().getName()).isEqualTo("prometheus-demo-app");
    assertThat(h.getSpec().getMinReplicas()).isEqualTo(1);
    assertThat(h.getSpec().getMaxReplicas()).isEqualTo(10);
    assertThat(h.getSpec().getMetrics()).singleElement().satisfies(m -> {
      assertThat(m.getType()).isEqualTo("Pods");
      assertThat(m.getPods().getMetric().getName()).isEqualTo("demo_app_button_clicks_per_second");
      assertThat(m.getPods().getTarget().getType()).isEqualTo("AverageValue");
      assertThat(m.getPods().getTarget().getAverageValue()).isEqualTo(new Quantity("10m"));
    });
    assertThat(h.getSpec().getBehavior()).isNull();
  }

  @Test
  void hpaPassesBehaviorThrough() {
    var other = TestApps.sample("custom-behavior-demo-app.yaml");
    var h = HpaManifest.build(other);
    assertThat(h.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds()).isEqualTo(120);
    assertThat(h.getSpec().getBehavior().getScaleUp().getPolicies()).singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(2));
  }

  @Test
  void customCounterGivesItsOwnPerSecondMetric() {
    app.getSpec().getMetric().setCounter("shop_orders_total");
    assertThat(HpaManifest.build(app).getSpec().getMetrics().get(0).getPods().getMetric().getName())
        .isEqualTo("shop_orders_per_second");
  }

  @Test
  void dashboardIsLabelledForTheGrafanaSidecarAndQueriesTheApp() {
    var cm = DashboardManifest.build(app);
    assertThat(cm.getMetadata().getName()).isEqualTo("prometheus-demo-app-dashboard");
    assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    String json = cm.getData().get("demo_prometheus-demo-app-dashboard.json");
    assertThat(json).contains("rate(demo_app_button_clicks_total{namespace=\\\"demo\\\",service=\\\"prometheus-demo-app\\\"}[2m])")
        .contains("kube_horizontalpodautoscaler_status_desired_replicas")
        .contains("vector(0.01)");
  }

  @Test
  void anotherWindowGetsItsOwnMetricNameInTheHpa() {
    app.getSpec().getScaling().setRateWindow("5m");
    assertThat(HpaManifest.build(app).getSpec().getMetrics().get(0).getPods().getMetric().getName())
        .isEqualTo("demo_app_button_clicks_per_second_5m");
  }

  @Test
  void dashboardFileAndUidAreUniquePerNamespaceAndName() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.Set<String> files = new java.util.HashSet<>();
    java.util.Set<String> uids = new java.util.HashSet<>();
    // the same name in two namespaces, and x/y-z against x-y/z
    for (String[] nsName : new String[][] {{"team-a", "shop"}, {"team-b", "shop"}, {"x", "y-z"}, {"x-y", "z"},
        {"a-very-long-namespace-name-for-a-team", "and-a-long-app-name"},
        {"a-very-long-namespace-name-for-a-team", "and-a-long-app-name-2"}}) {
      var a = dev.scaleddemo.operator.TestApps.minimal(nsName[1]);
      a.getMetadata().setNamespace(nsName[0]);
      var cm = DashboardManifest.build(a);
      String file = cm.getData().keySet().iterator().next();
      String uid = json.readTree(cm.getData().get(file)).get("uid").asText();
      assertThat(uid).hasSizeLessThanOrEqualTo(40).matches("[a-zA-Z0-9_-]+");
      assertThat(file).matches("[-._a-zA-Z0-9]+");
      assertThat(files.add(file)).as("file %s unique", file).isTrue();
      assertThat(uids.add(uid)).as("uid %s unique", uid).isTrue();
    }
  }
}

package dev.scaleddemo.operator.ship;

import io.quarkiverse.operatorsdk.annotations.CSVMetadata;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.Annotations;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.Icon;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.InstallMode;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.Link;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.Maintainer;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata.Provider;
import io.quarkiverse.operatorsdk.annotations.SharedCSVMetadata;

/**
 * What QOSDK's bundle generator puts into the OLM ClusterServiceVersion besides what it derives from the build
 * (CRD, RBAC, Deployment, image). Its bundle name is the application name, so the reconciler (which carries no
 * {@code @CSVMetadata} of its own) is assigned to it. Version, {@code replaces} and {@code olm.skipRange} are
 * release data and live in application.properties ({@code quarkus.operator-sdk.bundle.*}), as does the
 * {@code containerImage} annotation (built from the quarkus.container-image.* properties). Not generated here
 * and added by the test that keeps deploy/bundle/ current ({@code ShipArtifacts}): {@code alm-examples} (from
 * samples/) and the CRD's spec and status descriptors (from the CRD schema), which this generator has no
 * mechanism for.
 */
@CSVMetadata(
    bundleName = BundleMetadata.BUNDLE_NAME,
    displayName = "Scaled Demo Operator",
    description = """
        Turns one `ScaledDemoApp` into a complete custom-metrics autoscaling setup: the demo app's Deployment, \
        Service and optional Ingress, a Prometheus Operator ServiceMonitor, a prometheus-adapter rule that \
        serves the app's click counter as a per-second Pods metric, an autoscaling/v2 HorizontalPodAutoscaler \
        on it and a Grafana dashboard. Status conditions say why an app is not Ready (spec, Deployment, \
        monitoring, adapter rule) and mirror the HPA's own conditions.

        Prerequisites: Prometheus Operator (for ServiceMonitors) and prometheus-adapter installed by its Helm \
        chart; the operator merges its rules into the adapter's ConfigMap and rolls the adapter when they change.""",
    keywords = {"autoscaling", "hpa", "custom metrics", "prometheus", "prometheus-adapter", "demo"},
    maturity = "alpha",
    // read from src/main/kubernetes/
    icon = @Icon(fileName = "scaled-demo-operator-icon.svg", mediatype = "image/svg+xml"),
    minKubeVersion = "1.30.0",
    provider = @Provider(name = "scaled-demo", url = "https://github.com/scaled-demo"),
    maintainers = @Maintainer(name = "scaled-demo maintainers", email = "maintainers@scaled-demo.dev"),
    links = {
        @Link(name = "Source", url = "https://github.com/scaled-demo/scaled-demo-operator"),
        @Link(name = "Documentation", url = "https://github.com/scaled-demo/scaled-demo-operator#readme")
    },
    annotations = @Annotations(
        capabilities = "Basic Install",
        categories = "Monitoring,Developer Tools",
        repository = "https://github.com/scaled-demo/scaled-demo-operator"),
    // The operator watches all namespaces (or those in its namespaces env var); OLM's
    // metadata.annotations['olm.targetNamespaces'] is what the generator wires into that env var.
    installModes = {
        @InstallMode(type = "OwnNamespace", supported = true),
        @InstallMode(type = "SingleNamespace", supported = true),
        @InstallMode(type = "MultiNamespace", supported = true),
        @InstallMode(type = "AllNamespaces", supported = true)
    })
public class BundleMetadata implements SharedCSVMetadata {
  public static final String BUNDLE_NAME = "scaled-demo-operator";
}

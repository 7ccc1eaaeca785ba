package dev.scaleddemo.operator.manifest;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.config.OperatorSettings;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

/** The demo app Deployment. It never sets spec.replicas: the HorizontalPodAutoscaler owns that field. */
public final class DeploymentManifest {
  /** The demo app image runs as this non-root user; set explicitly so runAsNonRoot can be verified. */
  public static final long RUN_AS_USER = 65532L;
  public static final String TMP_VOLUME = "tmp";

  private DeploymentManifest() {}

  public static Deployment build(ScaledDemoApp app, OperatorSettings settings) {
    var spec = app.getSpec();
    String image = spec.getImage() == null || spec.getImage().isBlank() ? settings.demoAppImage() : spec.getImage();
    var container = new ContainerBuilder()
        .withName(Names.CONTAINER)
        .withImage(image)
        .withPorts(new ContainerPortBuilder()
            .withName(Names.HTTP_PORT).withContainerPort(spec.getPort()).withProtocol("TCP").build())
        .withEnv(
            new EnvVarBuilder().withName("PORT").withValue(String.valueOf(spec.getPort())).build(),
            new EnvVarBuilder().withName("METRIC_NAME").withValue(spec.getMetric().getCounter()).build())
        .withResources(spec.getResources() != null ? spec.getResources() : defaultResources())
        .withReadinessProbe(probe("/readyz", 2, 2))
        .withLivenessProbe(probe("/healthz", 10, 3))
        .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(true)
            .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount().withName(TMP_VOLUME).withMountPath("/tmp").endVolumeMount()
        .build();
    return new DeploymentBuilder()
        .withMetadata(Meta.build(app, Names.deployment(app)))
        .withNewSpec()
            .withNewSelector().withMatchLabels(Labels.selector(app)).endSelector()
            .withNewTemplate()
                .withNewMetadata().withLabels(Labels.common(app)).endMetadata()
                .withNewSpec()
                    .withContainers(container)
                    .withNewSecurityContext()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(RUN_AS_USER)
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                    .endSecurityContext()
                    .addNewVolume().withName(TMP_VOLUME).withNewEmptyDir().withMedium("Memory")
                        .withSizeLimit(new Quantity("16Mi")).endEmptyDir().endVolume()
                .endSpec()
            .endTemplate()
        .endSpec()
        .build();
  }

  /** Sized for the demo app: a small JVM heap, one request thread pool. */
  public static ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("50m"))
        .addToRequests("memory", new Quantity("96Mi"))
        .addToLimits("memory", new Quantity("192Mi"))
        .build();
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString(Names.HTTP_PORT)).endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .build();
  }
}

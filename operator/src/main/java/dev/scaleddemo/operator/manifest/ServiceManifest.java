package dev.scaleddemo.operator.manifest;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** The Service Prometheus scrapes through (port 'web') and the Ingress routes to. */
public final class ServiceManifest {
  private ServiceManifest() {}

  public static Service build(ScaledDemoApp app) {
    return new ServiceBuilder()
        .withMetadata(Meta.build(app, Names.service(app)))
        .withNewSpec()
            .withSelector(Labels.selector(app))
            .addNewPort()
                .withName(Names.SERVICE_PORT)
                .withPort(app.getSpec().getServicePort())
                .withTargetPort(new IntOrString(Names.HTTP_PORT))
                .withProtocol("TCP")
            .endPort()
        .endSpec()
        .build();
  }
}

package dev.scaleddemo.operator.manifest;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;

/** The optional Ingress; only built when spec.ingress is set. */
public final class IngressManifest {
  private IngressManifest() {}

  public static Ingress build(ScaledDemoApp app) {
    var ingress = app.getSpec().getIngress();
    return new IngressBuilder()
        .withMetadata(Meta.build(app, Names.ingress(app)))
        .withNewSpec()
            .withIngressClassName(ingress.getClassName())
            .addNewRule()
                .withHost(ingress.getHost())
                .withNewHttp()
                    .addNewPath()
                        .withPath(ingress.getPath())
                        .withPathType("Prefix")
                        .withNewBackend()
                            .withNewService()
                                .withName(Names.service(app))
                                .withNewPort().withName(Names.SERVICE_PORT).endPort()
                            .endService()
                        .endBackend()
                    .endPath()
                .endHttp()
            .endRule()
        .endSpec()
        .build();
  }
}

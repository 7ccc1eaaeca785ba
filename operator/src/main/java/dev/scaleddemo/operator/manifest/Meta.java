package dev.scaleddemo.operator.manifest;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Metadata shared by every namespaced child: name, namespace, labels, controller owner reference. */
final class Meta {
  private Meta() {}

  static ObjectMetaBuilder of(ScaledDemoApp app, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(app.getMetadata().getNamespace())
        .withLabels(Labels.common(app))
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(app.getApiVersion())
            .withKind(app.getKind())
            .withName(app.getMetadata().getName())
            .withUid(app.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build());
  }

  static ObjectMeta build(ScaledDemoApp app, String name) {
    return of(app, name).build();
  }
}

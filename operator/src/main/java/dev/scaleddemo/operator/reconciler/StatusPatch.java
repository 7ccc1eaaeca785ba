package dev.scaleddemo.operator.reconciler;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppStatus;
import dev.scaleddemo.operator.cache.ResourceVersions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** An app's status, written by server-side apply as the controller's field manager. */
final class StatusPatch {
  private StatusPatch() {}

  /**
   * Only the status: no resourceVersion, so the API server applies it without optimistic locking (this operator is
   * the status' only writer, and a reconcile that started from an older copy is followed by one for the newer; a
   * locked patch only failed with 409 and cost a retry). No spec: the API server type-checks the whole applied
   * object, even on /status, and an unreadable one would fail it.
   */
  static ScaledDemoApp of(ScaledDemoApp app, ScaledDemoAppStatus status) {
    var patch = new ScaledDemoApp();
    patch.setMetadata(new ObjectMetaBuilder().withName(app.getMetadata().getName())
        .withNamespace(app.getMetadata().getNamespace()).build());
    patch.setStatus(status);
    return patch;
  }

  /**
   * Writes the status and makes the API server's reply the copy the next reconcile of the app reads. JOSDK 5.1
   * drops the reply to UpdateControl.patchStatus: a reconcile that a child's event started before the watch delivered
   * the write read the app without it, and wrote the same status again. The SDK moves its cache ahead only from the
   * copy the reconcile started with, which a foreign write in between (a GitOps tool's annotation) replaces; so the
   * reply replaces whatever older copy is cached. Never a newer one: a write after ours must not be hidden until the
   * next event.
   */
  static void apply(ScaledDemoApp app, ScaledDemoAppStatus status, Context<ScaledDemoApp> ctx) {
    ScaledDemoApp written = ctx.getClient().resource(of(app, status)).subresource("status")
        .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY).withForce(true)
            .withFieldManager(ctx.getControllerConfiguration().fieldManager()).build());
    written.getMetadata().setManagedFields(null); // as the informer's cache keeps apps (PrunedItemStore.Primary)
    var source = ctx.eventSourceRetriever().getControllerEventSource();
    var id = ResourceID.fromResource(app);
    ScaledDemoApp cached = source.get(id).orElse(app);
    // the SDK replaces the cached copy only while it still has the version passed as the previous one
    source.handleRecentResourceUpdate(id, written,
        ResourceVersions.newer(written.getMetadata().getResourceVersion(), cached.getMetadata().getResourceVersion())
            ? cached : app);
  }
}

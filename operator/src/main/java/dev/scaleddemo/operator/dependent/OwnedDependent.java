package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.function.Function;

/**
 * A child the app owns, applied server-side and found by its name (from {@code Names}). It writes nothing once the
 * controller stops: its cache may then be emptied, and a child missing from it would be created again (checked
 * after the SDK read the cache).
 */
public abstract class OwnedDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, ScaledDemoApp> {
  private final Function<ScaledDemoApp, String> name;

  protected OwnedDependent(Class<R> type, Function<ScaledDemoApp, String> name) {
    super(type);
    this.name = name;
  }

  /**
   * By name, not through {@link #desired}: JOSDK would build the whole desired object once more only to learn its
   * name, and for a child being deleted because its part of the spec was removed (the Ingress) from a null part.
   */
  @Override
  protected ResourceID targetSecondaryResourceID(ScaledDemoApp app, Context<ScaledDemoApp> ctx) {
    return new ResourceID(name.apply(app), app.getMetadata().getNamespace());
  }

  /**
   * Started once. JOSDK 5.1 starts the event source of a child with an activation condition (the ServiceMonitor,
   * the ScaledObject) again on every reconcile, and each start walks the informer's whole cache to index it,
   * holding the event source's lock: work in proportion to the number of apps, on every reconcile of any app.
   * JOSDK 5.3.3 returns early the same way (its #3275).
   */
  @Override
  protected InformerEventSource<R, ScaledDemoApp> createEventSource(EventSourceContext<ScaledDemoApp> context) {
    InformerEventSource<R, ScaledDemoApp> startedOnce =
        new InformerEventSource<>(super.createEventSource(context).configuration(), context) {
          @Override
          public void start() {
            if (!isRunning()) {
              super.start();
            }
          }
        };
    setEventSource(startedOnce);
    return startedOnce;
  }

  @Override
  public R create(R desired, ScaledDemoApp app, Context<ScaledDemoApp> ctx) {
    ControllerStopping.check(ctx);
    return super.create(desired, app, ctx);
  }

  @Override
  public R update(R actual, R desired, ScaledDemoApp app, Context<ScaledDemoApp> ctx) {
    ControllerStopping.check(ctx);
    return super.update(actual, desired, app, ctx);
  }

  @Override
  protected void handleDelete(ScaledDemoApp app, R secondary, Context<ScaledDemoApp> ctx) {
    ControllerStopping.check(ctx);
    super.handleDelete(app, secondary, ctx);
  }
}

package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * Thrown, or checked, so that a reconcile writes nothing once the SDK stops this controller (a rolling update, a
 * drained node). {@code Operator.stop()} stops the informers before it waits for the running reconciles, and those
 * would read emptied caches: children gone, healthy apps unready, other apps' adapter rules unclaimed. The SDK stops
 * the primary informer first and the others after it, and clears the running flag before it empties a cache: a
 * reconcile that finds the flag still set after its reads read the cluster's state. The next leader reconciles every
 * app.
 */
public final class ControllerStopping extends RuntimeException {
  private ControllerStopping() {
    super("the controller is stopping: its caches may be emptied", null, false, false);
  }

  /** Whether the controller stops; call it after the reads a write depends on. */
  public static boolean now(Context<ScaledDemoApp> ctx) {
    return !ctx.eventSourceRetriever().getControllerEventSource().isRunning();
  }

  /** Ends a dependent's reconcile (the workflow reports it) when the controller stops. */
  public static void check(Context<ScaledDemoApp> ctx) {
    if (now(ctx)) {
      throw new ControllerStopping();
    }
  }
}

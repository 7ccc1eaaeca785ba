package dev.scaleddemo.operator.reconciler;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppSpec;
import dev.scaleddemo.operator.cache.PrunedItemStore;
import dev.scaleddemo.operator.dependent.AdapterRuleDependent;
import dev.scaleddemo.operator.dependent.ControllerStopping;
import dev.scaleddemo.operator.dependent.ScaledObjectDependent;
import dev.scaleddemo.operator.dependent.WorkflowConditions;
import dev.scaleddemo.operator.dependent.WorkflowConditions.AdapterBackend;
import dev.scaleddemo.operator.dependent.WorkflowConditions.AdapterHpaAllowed;
import dev.scaleddemo.operator.dependent.WorkflowConditions.DashboardRequested;
import dev.scaleddemo.operator.dependent.WorkflowConditions.KedaBackend;
import dev.scaleddemo.operator.dependent.WorkflowConditions.KedaCrdPresent;
import dev.scaleddemo.operator.dependent.WorkflowConditions.IngressRequested;
import dev.scaleddemo.operator.dependent.WorkflowConditions.ServiceMonitorCrdPresent;
import dev.scaleddemo.operator.dependent.DashboardDependent;
import dev.scaleddemo.operator.dependent.DeploymentDependent;
import dev.scaleddemo.operator.dependent.HpaDependent;
import dev.scaleddemo.operator.dependent.IngressDependent;
import dev.scaleddemo.operator.dependent.ServiceDependent;
import dev.scaleddemo.operator.dependent.ServiceMonitorDependent;
import dev.scaleddemo.operator.keda.ScaledObject;
import dev.scaleddemo.operator.manifest.Names;
import dev.scaleddemo.operator.scaling.ScalingPlan;
import dev.scaleddemo.operator.status.AdapterRuleState;
import dev.scaleddemo.operator.status.ChildErrors;
import dev.scaleddemo.operator.status.KedaState;
import dev.scaleddemo.operator.status.MonitoringState;
import dev.scaleddemo.operator.status.Observed;
import dev.scaleddemo.operator.status.StatusCalculator;
import dev.scaleddemo.operator.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One ScaledDemoApp -> its children, then its status. The workflow is invoked explicitly so that an invalid spec
 * reconciles nothing (and tears nothing down): it only reports why. Children are applied in parallel; only the HPA
 * waits (for the Deployment it scales and the adapter rule it reads): an Ingress or a ServiceMonitor name the
 * Service without needing it to exist first, and waiting for it cost a whole API round trip per new app.
 */
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = "deployment", type = DeploymentDependent.class),
    @Dependent(name = "service", type = ServiceDependent.class),
    @Dependent(name = "ingress", type = IngressDependent.class, reconcilePrecondition = IngressRequested.class),
    @Dependent(name = "servicemonitor", type = ServiceMonitorDependent.class,
        activationCondition = ServiceMonitorCrdPresent.class),
    @Dependent(name = "adapter-rule", type = AdapterRuleDependent.class, reconcilePrecondition = AdapterBackend.class),
    @Dependent(name = "hpa", type = HpaDependent.class, dependsOn = {"deployment", "adapter-rule"},
        reconcilePrecondition = AdapterHpaAllowed.class),
    @Dependent(name = "scaledobject", type = ScaledObjectDependent.class, dependsOn = "deployment",
        activationCondition = KedaCrdPresent.class, reconcilePrecondition = KedaBackend.class),
    @Dependent(name = "dashboard", type = DashboardDependent.class, reconcilePrecondition = DashboardRequested.class),
})
// Pausing is an annotation (metadata: no new generation), so generation awareness is done by SpecOrPauseChanged.
// The informer cache keeps no managedFields of the apps (PrunedItemStore): nothing reads them.
@ControllerConfiguration(maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES),
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = SpecOrPauseChanged.class, itemStore = PrunedItemStore.Primary.class,
        informerListLimit = PrunedItemStore.LIST_PAGE))
// A failed reconcile or cleanup (a conflict under load, an API server briefly away) is retried for about half an
// hour, backing off to once a minute: JOSDK's default gives up after 5 attempts in ~16 s, which left a deletion
// waiting for the 10-minute periodic reconcile.
@GradualRetry(maxAttempts = 40, initialInterval = 1000, intervalMultiplier = 1.5, maxInterval = 60_000)
public class ScaledDemoAppReconciler implements Reconciler<ScaledDemoApp>, Cleaner<ScaledDemoApp> {
  private static final Logger LOG = Logger.getLogger(ScaledDemoAppReconciler.class);
  /** How soon to look again while something outside our control (a CRD, the adapter) is missing. */
  static final Duration RECHECK = Duration.ofSeconds(15);

  private final Clock clock = Clock.systemUTC();

  @Override
  public UpdateControl<ScaledDemoApp> reconcile(ScaledDemoApp app, Context<ScaledDemoApp> ctx) {
    withDefaultSpec(app);
    List<String> problems = SpecValidator.validate(app);
    Map<String, String> errors = new TreeMap<>();
    MonitoringState monitoring = MonitoringState.NOT_RECONCILED;
    boolean keda = app.getSpec().getScaling().usesKeda();
    boolean scaledObjectApplied = false;
    AdapterRuleState rule = AdapterRuleState.failed(AdapterRuleState.NOT_RUN,
        "Not reconciled while the spec is invalid; the running app is left as it is.");
    ScalingPlan plan = null;
    if (problems.isEmpty()) {
      var workflow = ctx.managedWorkflowAndDependentResourceContext();
      if (!keda) {
        plan = ScalingPlan.decide(app, ctx.getSecondaryResource(Deployment.class).orElse(null),
            hpaNamed(ctx, Names.hpa(app)), clock.instant());
        workflow.put(ScalingPlan.KEY, plan);
      }
      try {
        var result = workflow.reconcileManagedWorkflow();
        monitoring = result.getReconciledDependents().stream().anyMatch(ServiceMonitorDependent.class::isInstance)
            ? MonitoringState.AVAILABLE : MonitoringState.CRD_MISSING;
        scaledObjectApplied = result.getReconciledDependents().stream()
            .anyMatch(ScaledObjectDependent.class::isInstance);
      } catch (AggregatedOperatorException e) {
        // children the API server refused (by dependent name): reported as status, the rest stays as it is
        e.getAggregatedExceptions().forEach((dependent, error) -> errors.put(dependent, ChildErrors.message(error)));
      }
      rule = AdapterRuleDependent.outcome(ctx).orElse(rule);
      if (plan != null && plan.scaleDeploymentTo() != null && errors.isEmpty() && !ControllerStopping.now(ctx)) {
        // through the scale subresource (an update, not our apply): the Deployment's spec.replicas stays the HPA's
        ctx.getClient().apps().deployments().inNamespace(app.getMetadata().getNamespace())
            .withName(Names.deployment(app)).scale(plan.scaleDeploymentTo());
      }
    }
    KedaState kedaState = !keda || !problems.isEmpty() ? KedaState.NOT_USED
        : scaledObjectApplied ? new KedaState(KedaState.Phase.APPLIED, ctx.getSecondaryResource(ScaledObject.class).orElse(null))
        : WorkflowConditions.hasHpa(ctx, Names.hpa(app)) ? new KedaState(KedaState.Phase.HANDOVER, null)
        : new KedaState(KedaState.Phase.CRD_MISSING, null);
    var hpa = hpaNamed(ctx, kedaState.used() ? Names.kedaHpa(app) : Names.hpa(app));
    var observed = new Observed(problems, ctx.getSecondaryResource(Deployment.class).orElse(null), hpa, monitoring,
        rule, errors, plan, kedaState);
    if (ControllerStopping.now(ctx)) {
      LOG.infof("Stopping: %s/%s left as it is (what this reconcile read may come from emptied caches)",
          app.getMetadata().getNamespace(), app.getMetadata().getName());
      return UpdateControl.noUpdate();
    }
    var status = StatusCalculator.compute(app, observed, clock.instant());
    StatusEvents.emitTransitions(ctx.getClient(), app, app.getStatus(), status, observed.hpa(), clock.instant());
    boolean changed = !status.equals(app.getStatus());
    if (changed) {
      StatusPatch.apply(app, status, ctx);
    }
    // one line per reconcile at DEBUG: tests count reconciles in steady state with it
    LOG.debugf("Reconciled %s/%s (generation %d): %s", app.getMetadata().getNamespace(), app.getMetadata().getName(),
        app.getMetadata().getGeneration(), changed ? "status patched" : "status unchanged");
    UpdateControl<ScaledDemoApp> control = UpdateControl.noUpdate();
    return StatusCalculator.recheckIn(observed, RECHECK).map(control::rescheduleAfter).orElse(control);
  }

  /** One HPA by name: the app's own, or KEDA's for its ScaledObject (both exist while a backend switch hands over). */
  private static HorizontalPodAutoscaler hpaNamed(Context<ScaledDemoApp> ctx, String name) {
    return ctx.getSecondaryResources(HorizontalPodAutoscaler.class).stream()
        .filter(h -> name.equals(h.getMetadata().getName())).findFirst().orElse(null);
  }

  /** Anything else that failed (e.g. the status patch): Ready=False with the message; JOSDK retries. */
  @Override
  public ErrorStatusUpdateControl<ScaledDemoApp> updateErrorStatus(ScaledDemoApp app, Context<ScaledDemoApp> ctx,
      Exception e) {
    var status = StatusCalculator.failed(app, ChildErrors.message(e), clock.instant());
    if (ControllerStopping.now(ctx) || status.equals(app.getStatus())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    return ErrorStatusUpdateControl.patchStatus(StatusPatch.of(app, status));
  }

  @Override
  public DeleteControl cleanup(ScaledDemoApp app, Context<ScaledDemoApp> ctx) {
    if (ControllerStopping.now(ctx)) {
      return DeleteControl.noFinalizerRemoval(); // the next leader cleans up
    }
    withDefaultSpec(app);
    StatusEvents.forget(app);
    // Owner references remove the namespaced children; the cleanup removes the adapter rule in another namespace.
    ctx.managedWorkflowAndDependentResourceContext().cleanupManageWorkflow();
    return DeleteControl.defaultDelete();
  }

  /**
   * A ScaledDemoApp stored without any spec means "all defaults". The API server applies schema defaults only
   * inside a spec that exists, so the operator fills it in memory (never written back: only status is patched).
   */
  private static void withDefaultSpec(ScaledDemoApp app) {
    if (app.getSpec() == null) {
      app.setSpec(new ScaledDemoAppSpec());
    }
  }
}

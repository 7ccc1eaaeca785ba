package dev.scaleddemo.operator.status;

import static dev.scaleddemo.operator.status.Conditions.*;

import dev.scaleddemo.operator.api.v1alpha1.Annotations;
import dev.scaleddemo.operator.api.v1alpha1.MetricStatus;
import dev.scaleddemo.operator.api.v1alpha1.OnMetricLossSpec;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppStatus;
import dev.scaleddemo.operator.keda.ScaledObject;
import dev.scaleddemo.operator.manifest.AdapterRules;
import dev.scaleddemo.operator.scaling.ScalingPlan;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Computes a ScaledDemoApp's status from what was observed. Pure: no clock or client of its own. */
public final class StatusCalculator {
  private StatusCalculator() {}

  /**
   * True while a valid app waits on something outside its spec (the ServiceMonitor CRD, the adapter, a child the API
   * server refused): the reconciler looks again soon instead of at the periodic interval.
   */
  public static boolean waitingOnOthers(Observed o) {
    return o.specProblems().isEmpty() && (o.monitoring() != MonitoringState.AVAILABLE || !o.childErrors().isEmpty()
        || (o.keda().used() ? o.keda().phase() != KedaState.Phase.APPLIED : !o.adapterRule().synced()));
  }

  /** How long after a pending adapter roll is due the app is looked at again: the roll's own request. */
  public static final Duration AFTER_ROLL = Duration.ofSeconds(1);

  /**
   * When to reconcile again without an event: {@code waiting} while others are not there yet, sooner when the
   * metric-loss delay elapses or just after a pending adapter roll (nothing else would refresh the message that
   * announces it).
   */
  public static Optional<Duration> recheckIn(Observed o, Duration waiting) {
    Duration rollDone = o.adapterRule().rollIn() == null ? null : o.adapterRule().rollIn().plus(AFTER_ROLL);
    return Stream.of(waitingOnOthers(o) ? waiting : null,
            o.plan() == null ? null : o.plan().recheckIn(), rollDone)
        .filter(Objects::nonNull).min(Duration::compareTo);
  }

  public static ScaledDemoAppStatus compute(ScaledDemoApp app, Observed o, Instant now) {
    ScaledDemoAppStatus previous = app.getStatus();
    Long generation = app.getMetadata().getGeneration();
    List<Condition> prev = previous == null || previous.getConditions() == null ? List.of() : previous.getConditions();
    var c = new Builder(prev, generation, now);

    boolean specValid = o.specProblems().isEmpty();
    c.set(SPEC_VALID, specValid, specValid ? VALID : INVALID_SPEC,
        specValid ? "The spec is valid." : String.join("; ", o.specProblems()));

    int minimum = Optional.ofNullable(app.getSpec().getScaling().getMinReplicas()).orElse(1);
    DeploymentView deployment = DeploymentView.of(o.deployment());
    boolean deploymentAvailable = deploymentAvailable(deployment, minimum);
    c.set(DEPLOYMENT_AVAILABLE, deploymentAvailable, deploymentReason(deployment, deploymentAvailable),
        deploymentMessage(deployment, deploymentAvailable, minimum));

    boolean monitoring = o.monitoring() == MonitoringState.AVAILABLE;
    c.set(MONITORING_AVAILABLE, monitoring, switch (o.monitoring()) {
      case AVAILABLE -> SERVICE_MONITOR_RECONCILED;
      case CRD_MISSING -> SERVICE_MONITOR_CRD_MISSING;
      case NOT_RECONCILED -> NOT_RECONCILED;
    }, switch (o.monitoring()) {
      case AVAILABLE -> "Prometheus scrapes the app through ServiceMonitor " + app.getMetadata().getName() + ".";
      case CRD_MISSING -> "The monitoring.coreos.com/v1 ServiceMonitor CRD is not installed: nothing scrapes the app,"
          + " so the autoscaler gets no metric. Install Prometheus Operator.";
      case NOT_RECONCILED -> "The ServiceMonitor was not reconciled.";
    });

    AdapterRuleState rule = o.adapterRule();
    boolean keda = o.keda().used();
    if (keda) {
      mirrorKeda(c, o.keda());
    } else {
      c.set(ADAPTER_RULE_SYNCED, rule.synced(), rule.reason(), rule.message());
    }

    mirrorHpa(c, o.hpa());
    // the plan drives our HPA; on the Keda backend KEDA pauses and falls back itself (mirrored above)
    ScalingPlan plan = keda ? null : o.plan();
    String pauseProblem = plan == null ? null : plan.pause().problem();
    if (plan != null) {
      setPausedAndFallback(c, app, plan);
    }

    String notReady = null;
    String notReadyMessage = null;
    if (!specValid) {
      notReady = INVALID_SPEC;
      notReadyMessage = String.join("; ", o.specProblems());
    } else if (pauseProblem != null) {
      notReady = INVALID_PAUSE_ANNOTATION;
      notReadyMessage = c.get(PAUSED).getMessage();
    } else if (!o.childErrors().isEmpty()) {
      notReady = RECONCILE_ERROR;
      notReadyMessage = o.childErrors().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
          .sorted().collect(Collectors.joining("; "));
    } else if (!deploymentAvailable) {
      notReady = DEPLOYMENT_UNAVAILABLE;
      notReadyMessage = c.get(DEPLOYMENT_AVAILABLE).getMessage();
    } else if (!monitoring) {
      notReady = MONITORING_UNAVAILABLE;
      notReadyMessage = c.get(MONITORING_AVAILABLE).getMessage();
    } else if (keda && !TRUE.equals(c.get(SCALED_OBJECT_READY).getStatus())) {
      notReady = c.get(SCALED_OBJECT_READY).getReason();
      notReadyMessage = c.get(SCALED_OBJECT_READY).getMessage();
    } else if (!keda && !rule.synced()) {
      notReady = ADAPTER_RULE_NOT_SYNCED;
      notReadyMessage = rule.message();
    }
    c.set(READY, notReady == null, notReady == null ? REASON_READY : notReady,
        notReady == null ? "The app is available and its autoscaling setup is in place." : notReadyMessage);
    setProgress(c, o, deployment);

    ScaledDemoAppStatus s = new ScaledDemoAppStatus();
    s.setObservedGeneration(generation);
    s.setConditions(c.conditions());
    s.setReplicas(deployment == null ? null : deployment.readyReplicas());
    s.setDesiredReplicas(o.hpa() == null || o.hpa().getStatus() == null ? null : o.hpa().getStatus().getDesiredReplicas());
    s.setCurrentClicksPerSecondPerPod(currentMetric(app, o.hpa(), keda));
    s.setTargetClicksPerSecondPerPod(app.getSpec().getScaling().getTargetClicksPerSecondPerPod());
    s.setLastScaleTime(o.hpa() == null || o.hpa().getStatus() == null ? previousOf(previous, ScaledDemoAppStatus::getLastScaleTime)
        : o.hpa().getStatus().getLastScaleTime());
    if (keda) {
      // KEDA pauses and falls back on its own; its conditions say which
      s.setScalingMode(TRUE.equals(c.get(PAUSED).getStatus()) ? MODE_PAUSED
          : TRUE.equals(c.get(FALLBACK).getStatus()) ? MODE_FALLBACK : MODE_AUTO);
      var so = o.keda().scaledObject();
      s.setPausedReplicas(so == null || so.getStatus() == null ? null : so.getStatus().pausedReplicaCount());
      s.setMetric(metric(previousOf(previous, ScaledDemoAppStatus::getMetric), s.getCurrentClicksPerSecondPerPod(),
          ScalingPlan.metricMissingSince(o.hpa()), now));
    } else if (plan == null) {
      s.setScalingMode(previousOf(previous, ScaledDemoAppStatus::getScalingMode));
      s.setPausedReplicas(previousOf(previous, ScaledDemoAppStatus::getPausedReplicas));
      s.setMetric(previousOf(previous, ScaledDemoAppStatus::getMetric));
    } else {
      s.setScalingMode(plan.paused() ? MODE_PAUSED : plan.fallback() ? MODE_FALLBACK
          : plan.metricMissing() ? MODE_HOLDING : MODE_AUTO);
      s.setPausedReplicas(plan.pausedReplicas());
      s.setMetric(metric(previousOf(previous, ScaledDemoAppStatus::getMetric), s.getCurrentClicksPerSecondPerPod(),
          plan.metricMissingSince(), now));
    }
    return s;
  }

  private static <T> T previousOf(ScaledDemoAppStatus previous, java.util.function.Function<ScaledDemoAppStatus, T> f) {
    return previous == null ? null : f.apply(previous);
  }

  /** Paused and Fallback, from the plan the HPA was reconciled with. */
  private static void setPausedAndFallback(Builder c, ScaledDemoApp app, ScalingPlan plan) {
    String problem = plan.pause().problem();
    String at = plan.paused() ? "Paused at " + plan.pausedReplicas() + " replicas" : null;
    if (problem != null) {
      c.set(PAUSED, plan.paused(), INVALID_PAUSE_ANNOTATION, problem + (plan.paused() ? ". " + at
          + " until it is fixed." : ". Nothing was changed; fix or remove the annotation."));
    } else if (plan.paused()) {
      c.set(PAUSED, true, PAUSED_BY_ANNOTATION, at + " by annotation " + (plan.pause().replicas() != null
          ? Annotations.PAUSED_REPLICAS : Annotations.PAUSED) + ": the autoscaler is pinned to "
          + plan.hpaMinReplicas() + "/" + plan.hpaMaxReplicas() + (plan.pausedReplicas() == 0
          ? " and the Deployment scaled to 0" : "") + ". Remove the annotation to resume.");
    } else {
      c.set(PAUSED, false, NOT_PAUSED, "The autoscaler scales the app.");
    }
    OnMetricLossSpec loss = app.getSpec().getScaling().getOnMetricLoss();
    boolean fallbackPolicy = loss != null && loss.getPolicy() == OnMetricLossSpec.Policy.Fallback;
    // the time is in status.metric.missingSince, not in the message: the message changes only with the situation
    String since = "The autoscaler cannot read the metric";
    if (plan.paused()) {
      c.set(FALLBACK, false, SUSPENDED_BY_PAUSE, "Paused: the pause, not the metric-loss policy, sets the replicas.");
    } else if (!plan.metricMissing()) {
      c.set(FALLBACK, false, METRIC_AVAILABLE, "The autoscaler reads the metric.");
    } else if (plan.fallback()) {
      c.set(FALLBACK, true, METRIC_MISSING, since + ": at least " + plan.hpaMinReplicas()
          + " replicas (spec.scaling.onMetricLoss.fallbackReplicas) until it is back.");
    } else if (fallbackPolicy) {
      c.set(FALLBACK, false, FALLBACK_PENDING, since + ": the fallback to at least " + loss.getFallbackReplicas()
          + " replicas applies once it is missing for " + loss.getAfter() + " (see status.metric.missingSince).");
    } else {
      c.set(FALLBACK, false, HOLDING, since + ": the autoscaler keeps the current replicas (policy Hold).");
    }
  }

  /** The metric's last value and when it was seen; the time moves only when the value changes (no status churn). */
  private static MetricStatus metric(MetricStatus previous, String current, String missingSince, Instant now) {
    MetricStatus m = new MetricStatus();
    String lastValue = previous == null ? null : previous.getLastValue();
    String lastSeen = previous == null ? null : previous.getLastSeenTime();
    if (missingSince != null) {
      m.setLastValue(lastValue);
      // the autoscaler last read it just before it lost it
      m.setLastSeenTime(lastSeen == null ? null : previous.getMissingSince() != null ? lastSeen : missingSince);
      m.setMissingSince(missingSince);
    } else if (current != null) {
      m.setLastValue(current);
      m.setLastSeenTime(current.equals(lastValue) && lastSeen != null && previous.getMissingSince() == null ? lastSeen
          : now.truncatedTo(ChronoUnit.SECONDS).toString());
    } else {
      m.setLastValue(lastValue);
      m.setLastSeenTime(lastSeen);
    }
    return m.getLastValue() == null && m.getMissingSince() == null ? null : m;
  }

  /** What only a user or an admin can fix: the app makes no progress until they do. */
  private static final Set<String> ADAPTER_NEEDS_A_CHANGE = Set.of(
      AdapterRuleState.NOT_CONFIGURED, AdapterRuleState.CONFIG_NOT_FOUND, AdapterRuleState.CONFIG_INVALID,
      AdapterRuleState.RULE_LIMIT, AdapterRuleState.CONFIG_TOO_LARGE, AdapterRuleState.CONFIG_REJECTED,
      AdapterRuleState.DEPLOYMENT_NOT_FOUND);

  /**
   * Reconciling and Stalled, which kstatus (Flux) and the Argo CD health check read: Stalled while the app cannot
   * progress without a change of its spec or of the cluster's setup (or its rollout exceeded the progress
   * deadline); otherwise Reconciling while it is not Ready or its Deployment still replaces old pods.
   */
  private static void setProgress(Builder c, Observed o, DeploymentView deployment) {
    Condition ready = c.get(READY);
    Cause stalled = stalledBy(c, o, deployment);
    int pods = deployment == null ? 0 : deployment.replicas();
    int updated = deployment == null ? 0 : deployment.updatedReplicas();
    boolean rollingOut = TRUE.equals(ready.getStatus()) && pods > updated;
    boolean reconciling = stalled == null && (!TRUE.equals(ready.getStatus()) || rollingOut);
    c.set(RECONCILING, reconciling, !reconciling ? CONVERGED : rollingOut ? ROLLING_OUT : ready.getReason(),
        !reconciling ? "The app matches its spec." : rollingOut
            ? updated + "/" + pods + " pods run the current pod template." : ready.getMessage());
    c.set(STALLED, stalled != null, stalled == null ? NOT_STALLED : stalled.reason(),
        stalled == null ? NOTHING_STALLS : stalled.message());
  }

  private static final String NOTHING_STALLS = "Nothing keeps the app from converging.";

  private record Cause(String reason, String message) {}

  private static Cause stalledBy(Builder c, Observed o, DeploymentView deployment) {
    boolean ready = TRUE.equals(c.get(READY).getStatus());
    if (!o.specProblems().isEmpty()) return new Cause(INVALID_SPEC, c.get(READY).getMessage());
    if (INVALID_PAUSE_ANNOTATION.equals(c.get(READY).getReason())) {
      return new Cause(INVALID_PAUSE_ANNOTATION, c.get(READY).getMessage());
    }
    if (!ready && o.monitoring() == MonitoringState.CRD_MISSING) {
      return new Cause(SERVICE_MONITOR_CRD_MISSING, c.get(MONITORING_AVAILABLE).getMessage());
    }
    if (!ready && o.keda().phase() == KedaState.Phase.CRD_MISSING) {
      return new Cause(KEDA_CRD_MISSING, c.get(SCALED_OBJECT_READY).getMessage());
    }
    if (!ready && !o.keda().used() && ADAPTER_NEEDS_A_CHANGE.contains(o.adapterRule().reason())) {
      return new Cause(o.adapterRule().reason(), o.adapterRule().message());
    }
    return Optional.ofNullable(deployment).map(DeploymentView::progressStopped)
        .filter(x -> PROGRESS_DEADLINE_EXCEEDED.equals(x.reason()))
        .map(x -> new Cause(PROGRESS_DEADLINE_EXCEEDED, x.message())).orElse(null);
  }

  /**
   * The status after a reconcile failed outside the workflow (e.g. the status patch itself): Ready=False with the
   * error, every other condition as it was.
   */
  public static ScaledDemoAppStatus failed(ScaledDemoApp app, String error, Instant now) {
    ScaledDemoAppStatus previous = app.getStatus() == null ? new ScaledDemoAppStatus() : app.getStatus();
    Long generation = app.getMetadata().getGeneration();
    List<Condition> prev = previous.getConditions() == null ? List.of() : previous.getConditions();
    var c = new Builder(prev, generation, now);
    c.set(READY, false, RECONCILE_ERROR, error);
    // a failed reconcile is retried: GitOps tools see the app reconciling, not stalled
    c.set(RECONCILING, true, RECONCILE_ERROR, error);
    c.set(STALLED, false, NOT_STALLED, NOTHING_STALLS);
    Set<String> recomputed = Set.of(READY, RECONCILING, STALLED);
    List<Condition> conditions = new ArrayList<>(List.of(c.get(READY)));
    prev.stream().filter(x -> !recomputed.contains(x.getType())).forEach(conditions::add);
    conditions.add(c.get(RECONCILING));
    conditions.add(c.get(STALLED));
    ScaledDemoAppStatus s = new ScaledDemoAppStatus();
    s.setObservedGeneration(generation);
    s.setConditions(conditions);
    s.setReplicas(previous.getReplicas());
    s.setDesiredReplicas(previous.getDesiredReplicas());
    s.setCurrentClicksPerSecondPerPod(previous.getCurrentClicksPerSecondPerPod());
    s.setTargetClicksPerSecondPerPod(previous.getTargetClicksPerSecondPerPod());
    s.setScalingMode(previous.getScalingMode());
    s.setPausedReplicas(previous.getPausedReplicas());
    s.setMetric(previous.getMetric());
    s.setLastScaleTime(previous.getLastScaleTime());
    return s;
  }

  /** Ready condition of a status, if any. */
  public static Optional<Condition> condition(ScaledDemoAppStatus status, String type) {
    if (status == null || status.getConditions() == null) return Optional.empty();
    return status.getConditions().stream().filter(x -> type.equals(x.getType())).findFirst();
  }

  /**
   * The Deployment's Available condition also turns False while it scales up (fewer available than replicas minus
   * maxUnavailable, e.g. 3 of 3 when scaling 1 -> 3): no outage while the app's minimum of replicas is ready.
   */
  private static boolean deploymentAvailable(DeploymentView d, int minimum) {
    if (d == null) return false;
    int ready = d.readyReplicas();
    return ready > 0 && (ready >= minimum || d.availableTrue());
  }

  private static String deploymentReason(DeploymentView d, boolean available) {
    if (d == null) return DEPLOYMENT_MISSING;
    if (available) return MINIMUM_REPLICAS_AVAILABLE;
    if (d.readyReplicas() == 0 || d.available() == null || d.available().reason() == null) return NO_READY_REPLICAS;
    return d.available().reason();
  }

  /**
   * Until the first replica is ready the message stays the same while the Deployment controller fills in its status
   * (no counts that move from 0/0 to 0/1): a new app's status is patched once before it becomes Ready, not once per
   * step of its Deployment. What does explain a wait (a refused pod, the progress deadline) is included.
   */
  private static String deploymentMessage(DeploymentView d, boolean available, int minimum) {
    if (d == null) return "The Deployment does not exist yet.";
    int ready = d.readyReplicas();
    if (ready == 0) {
      String why = Optional.ofNullable(d.replicaFailure()).or(() -> Optional.ofNullable(d.progressStopped()))
          .map(x -> " " + x.reason() + ": " + x.message()).orElse("");
      return "No replica is ready yet; the app needs " + minimum + "." + why;
    }
    String base = ready + "/" + d.replicas() + " replicas ready.";
    return Optional.ofNullable(d.available()).filter(x -> !TRUE.equals(x.status()))
        .map(x -> available ? base + " Scaling up; the minimum of " + minimum + " is ready." : base + " " + x.message())
        .orElse(base);
  }

  private static void mirrorHpa(Builder c, HorizontalPodAutoscaler hpa) {
    for (String type : List.of(ABLE_TO_SCALE, SCALING_ACTIVE, SCALING_LIMITED)) {
      Optional<HorizontalPodAutoscalerCondition> hc = hpa == null || hpa.getStatus() == null
          || hpa.getStatus().getConditions() == null ? Optional.empty()
          : hpa.getStatus().getConditions().stream().filter(x -> type.equals(x.getType())).findFirst();
      if (hc.isPresent()) {
        c.set(type, hc.get().getStatus(), hc.get().getReason(), hc.get().getMessage());
      } else {
        c.set(type, UNKNOWN, AUTOSCALER_PENDING, "The HorizontalPodAutoscaler has not reported " + type + " yet.");
      }
    }
  }

  /**
   * The clicks per second per pod the HPA last read: our HPA's Pods metric, or the External metric of KEDA's HPA
   * (its one trigger, AverageValue: the sum over the pods divided by the replicas, the same figure).
   */
  private static String currentMetric(ScaledDemoApp app, HorizontalPodAutoscaler hpa, boolean keda) {
    if (hpa == null || hpa.getStatus() == null || hpa.getStatus().getCurrentMetrics() == null) return null;
    String name = AdapterRules.metricName(app.getSpec());
    return hpa.getStatus().getCurrentMetrics().stream()
        .map(m -> keda
            ? "External".equals(m.getType()) && m.getExternal() != null && m.getExternal().getCurrent() != null
                ? m.getExternal().getCurrent().getAverageValue() : null
            : "Pods".equals(m.getType()) && m.getPods() != null && m.getPods().getMetric() != null
                && name.equals(m.getPods().getMetric().getName()) && m.getPods().getCurrent() != null
                ? m.getPods().getCurrent().getAverageValue() : null)
        .filter(Objects::nonNull)
        .map(Object::toString)
        .findFirst().orElse(null);
  }

  /**
   * KEDA's own conditions of the ScaledObject, under our names (Ready is the app's): ScaledObjectReady,
   * ScaledObjectActive, Fallback, Paused. Before the ScaledObject exists, ScaledObjectReady says why.
   */
  private static void mirrorKeda(Builder c, KedaState keda) {
    switch (keda.phase()) {
      case CRD_MISSING -> c.set(SCALED_OBJECT_READY, FALSE, KEDA_CRD_MISSING, "The keda.sh/v1alpha1 ScaledObject CRD is"
          + " not installed: nothing autoscales the app (its replicas stay as they are). Install KEDA, or set"
          + " spec.scaling.backend: PrometheusAdapter.");
      case HANDOVER -> c.set(SCALED_OBJECT_READY, FALSE, AUTOSCALER_HANDOVER, "The ScaledObject is created once the"
          + " PrometheusAdapter backend's HPA is gone (the replicas stay as they are meanwhile).");
      default -> mirrorScaledObject(c, keda.scaledObject(), SCALED_OBJECT_READY, "Ready");
    }
    mirrorScaledObject(c, keda.scaledObject(), SCALED_OBJECT_ACTIVE, "Active");
    mirrorScaledObject(c, keda.scaledObject(), FALLBACK, "Fallback");
    mirrorScaledObject(c, keda.scaledObject(), PAUSED, "Paused");
  }

  private static void mirrorScaledObject(Builder c, ScaledObject so, String ours, String kedas) {
    Optional<Condition> kc = so == null || so.getStatus() == null || so.getStatus().conditions() == null
        ? Optional.empty()
        : so.getStatus().conditions().stream().filter(x -> kedas.equals(x.getType()) && x.getStatus() != null
            && !UNKNOWN.equals(x.getStatus())).findFirst();
    if (kc.isPresent()) {
      c.set(ours, kc.get().getStatus(), Optional.ofNullable(kc.get().getReason()).filter(r -> !r.isEmpty())
          .orElse(kedas), kc.get().getMessage());
    } else {
      c.set(ours, ours.equals(SCALED_OBJECT_READY) ? FALSE : UNKNOWN,
          ours.equals(SCALED_OBJECT_READY) ? SCALED_OBJECT_NOT_READY : KEDA_PENDING,
          "KEDA has not reported the ScaledObject's " + kedas + " condition yet (is KEDA's operator running?).");
    }
  }

  /** Builds the condition list, keeping lastTransitionTime where a condition's status did not change. */
  private static final class Builder {
    private final List<Condition> previous;
    private final Long generation;
    private final String now;
    private final List<Condition> result = new ArrayList<>();

    Builder(List<Condition> previous, Long generation, Instant now) {
      this.previous = previous;
      this.generation = generation;
      this.now = now.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    void set(String type, boolean status, String reason, String message) {
      set(type, status ? TRUE : FALSE, reason, message);
    }

    void set(String type, String status, String reason, String message) {
      String since = previous.stream().filter(p -> type.equals(p.getType()) && status.equals(p.getStatus()))
          .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst().orElse(now);
      result.add(new ConditionBuilder().withType(type).withStatus(status).withReason(reason)
          .withMessage(message == null ? "" : message).withObservedGeneration(generation)
          .withLastTransitionTime(since).build());
    }

    Condition get(String type) {
      return result.stream().filter(x -> type.equals(x.getType())).findFirst().orElseThrow();
    }

    List<Condition> conditions() {
      // Ready first: it is what people and tools look at.
      List<Condition> ordered = new ArrayList<>();
      ordered.add(get(READY));
      result.stream().filter(x -> !READY.equals(x.getType())).forEach(ordered::add);
      return ordered;
    }
  }
}

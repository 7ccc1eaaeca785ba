package dev.scaleddemo.operator.reconciler;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppStatus;
import dev.scaleddemo.operator.status.Conditions;
import dev.scaleddemo.operator.status.StatusCalculator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events for condition transitions, the operator's scaling transitions and the autoscaler's rescales, so
 * `kubectl describe sda` tells the story. Derived from the status before and after and from the HPA the operator
 * already watches (no informer on Events): one event per transition and per HPA lastScaleTime, rate-limited per app.
 * Recorded off the reconcile thread, as client-go's EventRecorder does: a reconcile (and the status patch after it)
 * never waits on an Event's request; when the queue is full, events are dropped (they are best effort).
 */
final class StatusEvents {
  private static final Logger LOG = Logger.getLogger(StatusEvents.class);
  private static final List<String> WATCHED = List.of(Conditions.READY, Conditions.SPEC_VALID,
      Conditions.MONITORING_AVAILABLE, Conditions.ADAPTER_RULE_SYNCED, Conditions.SCALING_ACTIVE);

  // Event reasons of the scaling transitions
  static final String RESCALED = "Rescaled";
  static final String PAUSED = "Paused";
  static final String RESUMED = "Resumed";
  static final String FALLBACK_ENTERED = "FallbackEntered";
  static final String FALLBACK_RELEASED = "FallbackReleased";
  static final String METRIC_LOST = "MetricLost";
  static final String METRIC_BACK = "MetricBack";

  private static final String CONTROLLER = "scaleddemo.dev/scaled-demo-operator";
  /** The pod's name in a cluster (its hostname). */
  private static final String INSTANCE = hostname();
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  /** client-go's EventRecorder allows a burst of 25 per object too. */
  private static final EventBudget BUDGET = new EventBudget(25, Duration.ofSeconds(30));
  /**
   * What the events were last derived up to, per app uid: the informer may hand the next reconcile the status from
   * before our own patch, which would repeat every event. Only what {@link #derive} compares is kept (no messages).
   */
  private static final Map<String, ScaledDemoAppStatus> EMITTED = new ConcurrentHashMap<>();
  /** client-go's EventBroadcaster queues up to 1000 events too; two senders keep up with a burst of creations. */
  private static final int QUEUE = 1000;
  private static final ThreadPoolExecutor SENDER = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(QUEUE), r -> {
        Thread t = new Thread(r, "status-events");
        t.setDaemon(true);
        return t;
      }, (r, pool) -> LOG.warn("Event dropped: the queue of events to record is full"));

  private StatusEvents() {}

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "scaled-demo-operator";
    }
  }

  record Event(String type, String reason, String note) {}

  static void emitTransitions(KubernetesClient client, ScaledDemoApp app, ScaledDemoAppStatus before,
      ScaledDemoAppStatus after, HorizontalPodAutoscaler hpa, Instant now) {
    String uid = app.getMetadata().getUid();
    ScaledDemoAppStatus last = EMITTED.get(uid);
    if (last != null) {
      before = last;
    }
    EMITTED.put(uid, compact(after));
    for (Event e : derive(before, after, hpa)) {
      if (BUDGET.allow(app.getMetadata().getUid(), now)) {
        var event = event(app, e, now);
        SENDER.execute(() -> create(client, event));
      } else {
        LOG.debugf("Event %s for %s dropped by the rate limit", e.reason(), app.getMetadata().getName());
      }
    }
  }

  static void forget(ScaledDemoApp app) {
    BUDGET.forget(app.getMetadata().getUid());
    EMITTED.remove(app.getMetadata().getUid());
  }

  /** The fields {@link #derive} reads of the status before, without condition messages. */
  static ScaledDemoAppStatus compact(ScaledDemoAppStatus s) {
    ScaledDemoAppStatus c = new ScaledDemoAppStatus();
    c.setConditions(s.getConditions() == null ? List.of() : s.getConditions().stream().map(x -> new Condition(null,
        null, null, x.getReason(), x.getStatus(), x.getType())).toList());
    c.setDesiredReplicas(s.getDesiredReplicas());
    c.setPausedReplicas(s.getPausedReplicas());
    c.setLastScaleTime(s.getLastScaleTime());
    if (s.getMetric() != null && s.getMetric().getMissingSince() != null) {
      var m = new dev.scaleddemo.operator.api.v1alpha1.MetricStatus();
      m.setMissingSince(s.getMetric().getMissingSince());
      c.setMetric(m);
    }
    return c;
  }

  /** The events between two statuses, given the HPA the second one was computed from. Pure. */
  static List<Event> derive(ScaledDemoAppStatus before, ScaledDemoAppStatus after, HorizontalPodAutoscaler hpa) {
    List<Event> events = new ArrayList<>();
    for (String type : WATCHED) {
      Condition now = StatusCalculator.condition(after, type).orElse(null);
      Condition was = StatusCalculator.condition(before, type).orElse(null);
      if (now == null || (was != null && Objects.equals(was.getStatus(), now.getStatus())
          && Objects.equals(was.getReason(), now.getReason()))) {
        continue;
      }
      if (was == null && !Conditions.READY.equals(type) && !Conditions.FALSE.equals(now.getStatus())) {
        continue; // a detail condition appearing True or Unknown is no news; Ready covers it
      }
      if (was == null && Conditions.READY.equals(type) && Conditions.DEPLOYMENT_UNAVAILABLE.equals(now.getReason())) {
        continue; // a new app waiting for its first pod is no news: ReadyTrue follows, or the reason that stops it
      }
      events.add(new Event(Conditions.TRUE.equals(now.getStatus()) ? "Normal" : "Warning",
          type + now.getStatus(), now.getReason() + ": " + now.getMessage()));
    }
    String missingBefore = before == null || before.getMetric() == null ? null : before.getMetric().getMissingSince();
    String missingAfter = after.getMetric() == null ? null : after.getMetric().getMissingSince();
    if (missingAfter != null && missingBefore == null) {
      events.add(new Event("Warning", METRIC_LOST, "The autoscaler cannot read the metric since " + missingAfter
          + message(after, Conditions.FALLBACK)));
    } else if (missingAfter == null && missingBefore != null) {
      events.add(new Event("Normal", METRIC_BACK, "The autoscaler reads the metric again (missing since "
          + missingBefore + ")" + (after.getMetric() != null && after.getMetric().getLastValue() != null
          ? ": " + after.getMetric().getLastValue() + " clicks/s per pod." : ".")));
    }
    boolean pausedBefore = isTrue(before, Conditions.PAUSED);
    boolean pausedAfter = isTrue(after, Conditions.PAUSED);
    if (pausedAfter && !pausedBefore) {
      events.add(new Event("Normal", PAUSED, text(after, Conditions.PAUSED)));
    } else if (!pausedAfter && pausedBefore && after.getPausedReplicas() == null) {
      events.add(new Event("Normal", RESUMED, "Resumed: the autoscaler scales the app again from "
          + before.getPausedReplicas() + " replicas."));
    }
    boolean fallbackBefore = isTrue(before, Conditions.FALLBACK);
    boolean fallbackAfter = isTrue(after, Conditions.FALLBACK);
    if (fallbackAfter && !fallbackBefore) {
      events.add(new Event("Warning", FALLBACK_ENTERED, text(after, Conditions.FALLBACK)));
    } else if (!fallbackAfter && fallbackBefore) {
      events.add(new Event("Normal", FALLBACK_RELEASED, "Fallback released"
          + message(after, Conditions.FALLBACK)));
    }
    rescale(before, after, hpa).ifPresent(events::add);
    return events;
  }

  /** One event per new HPA lastScaleTime: from, to and why, from the HPA's status. */
  private static java.util.Optional<Event> rescale(ScaledDemoAppStatus before, ScaledDemoAppStatus after,
      HorizontalPodAutoscaler hpa) {
    var st = hpa == null ? null : hpa.getStatus();
    String previous = before == null ? null : before.getLastScaleTime();
    if (st == null || st.getLastScaleTime() == null || st.getLastScaleTime().equals(previous)
        || st.getDesiredReplicas() == null) {
      return java.util.Optional.empty();
    }
    // the HPA writes the old count as currentReplicas together with the new lastScaleTime; if that state was
    // missed, the desired count the status held before is where it came from
    Integer from = st.getCurrentReplicas() != null && !st.getCurrentReplicas().equals(st.getDesiredReplicas())
        ? st.getCurrentReplicas() : before == null ? null : before.getDesiredReplicas();
    String why;
    if (Conditions.MODE_PAUSED.equals(after.getScalingMode())) {
      why = "paused at " + after.getPausedReplicas() + " replicas";
    } else if (Conditions.MODE_FALLBACK.equals(after.getScalingMode())) {
      why = "fallback while the metric is missing";
    } else if (after.getCurrentClicksPerSecondPerPod() != null) {
      why = "clicks/s per pod " + after.getCurrentClicksPerSecondPerPod() + " against a target of "
          + after.getTargetClicksPerSecondPerPod();
    } else {
      why = "the autoscaler's bounds";
    }
    if (isTrue(after, Conditions.SCALING_LIMITED)) {
      why += "; " + StatusCalculator.condition(after, Conditions.SCALING_LIMITED).get().getMessage();
    }
    return java.util.Optional.of(new Event("Normal", RESCALED, "Rescaled from " + (from == null ? "?" : from)
        + " to " + st.getDesiredReplicas() + " replicas at " + st.getLastScaleTime() + ": " + why + "."));
  }

  private static boolean isTrue(ScaledDemoAppStatus status, String type) {
    return StatusCalculator.condition(status, type).map(c -> Conditions.TRUE.equals(c.getStatus())).orElse(false);
  }

  private static String text(ScaledDemoAppStatus status, String type) {
    return StatusCalculator.condition(status, type).map(Condition::getMessage).orElse("");
  }

  /** ": <message>" of a condition, or "" */
  private static String message(ScaledDemoAppStatus status, String type) {
    return StatusCalculator.condition(status, type).map(c -> ": " + c.getMessage()).orElse("");
  }

  /** The Event for a transition, built on the reconcile thread from the app as it was reconciled. */
  static io.fabric8.kubernetes.api.model.events.v1.Event event(ScaledDemoApp app, Event e, Instant now) {
    return new EventBuilder()
        .withNewMetadata().withGenerateName(app.getMetadata().getName() + "-")
        .withNamespace(app.getMetadata().getNamespace()).endMetadata()
        .withRegarding(new ObjectReferenceBuilder().withApiVersion(app.getApiVersion()).withKind(app.getKind())
            .withName(app.getMetadata().getName()).withNamespace(app.getMetadata().getNamespace())
            .withUid(app.getMetadata().getUid()).withResourceVersion(app.getMetadata().getResourceVersion()).build())
        .withType(e.type()).withReason(e.reason()).withAction("Reconcile")
        .withNote(e.note().length() > 1000 ? e.note().substring(0, 1000) : e.note())
        .withEventTime(new MicroTime(MICRO.format(now)))
        .withReportingController(CONTROLLER).withReportingInstance(INSTANCE)
        .build();
  }

  private static void create(KubernetesClient client, io.fabric8.kubernetes.api.model.events.v1.Event event) {
    try {
      client.events().v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    } catch (RuntimeException ex) { // refused, or the client closed while the operator stops
      LOG.warnf("Could not record event %s for %s: %s", event.getReason(), event.getRegarding().getName(),
          ex.getMessage());
    }
  }
}

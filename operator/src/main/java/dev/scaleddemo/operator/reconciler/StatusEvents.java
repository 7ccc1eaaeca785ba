package dev.scaleddemo.operator.reconciler;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppStatus;
import dev.scaleddemo.operator.status.Conditions;
import dev.scaleddemo.operator.status.StatusCalculator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/** Kubernetes Events for condition transitions, so `kubectl describe sda` tells the story. */
final class StatusEvents {
  private static final Logger LOG = Logger.getLogger(StatusEvents.class);
  private static final List<String> WATCHED = List.of(Conditions.READY, Conditions.SPEC_VALID,
      Conditions.MONITORING_AVAILABLE, Conditions.ADAPTER_RULE_SYNCED, Conditions.SCALING_ACTIVE);

  private static final String CONTROLLER = "scaleddemo.dev/scaled-demo-operator";
  /** The pod's name in a cluster (its hostname). */
  private static final String INSTANCE = hostname();
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private StatusEvents() {}

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "scaled-demo-operator";
    }
  }

  static void emitTransitions(KubernetesClient client, ScaledDemoApp app, ScaledDemoAppStatus before,
      ScaledDemoAppStatus after) {
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
      emit(client, app, Conditions.TRUE.equals(now.getStatus()) ? "Normal" : "Warning",
          type + now.getStatus(), now.getReason() + ": " + now.getMessage());
    }
  }

  private static void emit(KubernetesClient client, ScaledDemoApp app, String type, String reason, String message) {
    try {
      client.events().v1().events().inNamespace(app.getMetadata().getNamespace()).resource(new EventBuilder()
          .withNewMetadata().withGenerateName(app.getMetadata().getName() + "-").endMetadata()
          .withRegarding(new ObjectReferenceBuilder().withApiVersion(app.getApiVersion()).withKind(app.getKind())
              .withName(app.getMetadata().getName()).withNamespace(app.getMetadata().getNamespace())
              .withUid(app.getMetadata().getUid()).withResourceVersion(app.getMetadata().getResourceVersion()).build())
          .withType(type).withReason(reason).withAction("Reconcile")
          .withNote(message.length() > 1000 ? message.substring(0, 1000) : message)
          .withEventTime(new MicroTime(MICRO.format(Instant.now())))
          .withReportingController(CONTROLLER).withReportingInstance(INSTANCE)
          .build()).create();
    } catch (KubernetesClientException e) {
      LOG.warnf("Could not record event %s for %s: %s", reason, app.getMetadata().getName(), e.getMessage());
    }
  }
}

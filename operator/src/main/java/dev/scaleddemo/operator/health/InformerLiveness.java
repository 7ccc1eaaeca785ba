package dev.scaleddemo.operator.health;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: DOWN once an informer that was running has stopped for good (fabric8 stops an informer whose watch
 * fails in a way it does not retry). Such an operator would otherwise stay up and serve no app: a restart is the
 * cure. Informers that never ran (a standby replica waiting for the leader lease) do not count. A watch that is
 * merely reconnecting keeps the informer running, so it does not turn this DOWN; the SDK's readiness check shows it.
 */
@Liveness
@ApplicationScoped
public class InformerLiveness implements HealthCheck {
  public static final String NAME = "Informers running";

  @Inject
  Operator operator;

  private final Set<String> seenRunning = ConcurrentHashMap.newKeySet();

  @Override
  public HealthCheckResponse call() {
    Map<String, InformerHealthIndicator> informers = new TreeMap<>();
    for (RegisteredController<?> controller : operator.getRuntimeInfo().getRegisteredControllers()) {
      String name = controller.getConfiguration().getName();
      controller.getControllerHealthInfo().informerEventSourceHealthIndicators().forEach((source, indicator) -> {
        Map<String, InformerHealthIndicator> perNamespace = indicator.informerHealthIndicators(); // raw type in JOSDK
        perNamespace.forEach((namespace, informer) -> informers.put(name + "/" + source + "/" + namespace, informer));
      });
    }
    List<String> stopped = stopped(informers, seenRunning);
    var response = HealthCheckResponse.named(NAME).status(stopped.isEmpty());
    if (!stopped.isEmpty()) {
      response.withData("stopped", String.join(", ", stopped));
    }
    return response.build();
  }

  /** Informers that ran before (recorded in {@code seenRunning}) and are not running now. */
  static List<String> stopped(Map<String, InformerHealthIndicator> informers, Set<String> seenRunning) {
    informers.forEach((key, informer) -> {
      if (informer.isRunning()) {
        seenRunning.add(key);
      }
    });
    return informers.entrySet().stream()
        .filter(e -> !e.getValue().isRunning() && seenRunning.contains(e.getKey()))
        .map(Map.Entry::getKey).sorted().toList();
  }
}

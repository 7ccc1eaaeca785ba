package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.config.OperatorSettings.AdapterSettings;
import dev.scaleddemo.operator.manifest.AdapterRules;
import dev.scaleddemo.operator.status.AdapterRuleState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Rolls prometheus-adapter when its config changed, at most once per interval: a change within the interval is
 * rolled when it ends (one pending roll, which reads the config as it is then, so the last change always rolls).
 * The time of the last roll is kept on the Deployment, so coalescing survives an operator restart or failover.
 * The Deployment is read from a watch, not fetched on every reconcile.
 */
final class AdapterRoller {
  private static final Logger LOG = Logger.getLogger(AdapterRoller.class);

  private final AdapterSettings adapter;
  private final Clock clock;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "adapter-roller");
    t.setDaemon(true);
    return t;
  });
  private SharedIndexInformer<Deployment> informer;
  private ScheduledFuture<?> pending;
  /** The last hash patched, and the Deployment version it was patched over: the watch may lag behind. */
  private String patched;
  private String patchedOver;
  /** When this process last rolled: the watch may not show that roll's time yet. */
  private Instant rolledAt;

  AdapterRoller(AdapterSettings adapter, Clock clock) {
    this.adapter = adapter;
    this.clock = clock;
  }

  boolean configured() {
    return adapter.deploymentName() != null && !adapter.deploymentName().isBlank();
  }

  /**
   * Makes the adapter run the config with this hash: now, or when the interval since the last roll is over.
   * Returns null when done (or nothing to do), else a problem (Deployment missing) or a pending-roll note.
   */
  synchronized Result roll(KubernetesClient client, String hash) {
    Deployment d = deployment(client);
    if (d == null) {
      return new Result(false, "prometheus-adapter's Deployment " + adapter.namespace() + "/"
          + adapter.deploymentName() + " does not exist: the rules are written but nothing serves them.", null);
    }
    var template = d.getSpec().getTemplate().getMetadata();
    String current = template == null || template.getAnnotations() == null ? null
        : template.getAnnotations().get(AdapterRules.CONFIG_HASH_ANNOTATION);
    if (Objects.equals(current, hash)
        || (Objects.equals(patched, hash) && Objects.equals(patchedOver, d.getMetadata().getResourceVersion()))) {
      return Result.DONE;
    }
    Instant now = clock.instant();
    Instant last = lastRoll(d).orElse(null);
    if (rolledAt != null && (last == null || rolledAt.isAfter(last))) {
      last = rolledAt;
    }
    Instant next = last == null ? now : last.plus(adapter.rollInterval());
    if (!next.isAfter(now)) {
      patch(client, hash, now);
      patchedOver = d.getMetadata().getResourceVersion();
      return Result.DONE;
    }
    if (pending == null || pending.isDone()) {
      long delay = Math.max(1, next.toEpochMilli() - now.toEpochMilli());
      pending = scheduler.schedule(() -> rollLatest(client), delay, TimeUnit.MILLISECONDS);
    }
    return new Result(true, AdapterRuleState.ROLL_PENDING + next.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        + " (at most one restart every " + adapter.rollInterval().toSeconds() + "s).", Duration.between(now, next));
  }

  /** The pending roll: the config as it is now, whatever changed since it was scheduled. */
  private void rollLatest(KubernetesClient client) {
    try {
      ConfigMap cm = client.configMaps().inNamespace(adapter.namespace()).withName(adapter.configMapName()).get();
      if (cm == null || cm.getData() == null) return;
      String hash = AdapterRules.hash(cm.getData().get(adapter.configKey()));
      synchronized (this) {
        pending = null;
      }
      roll(client, hash);
    } catch (KubernetesClientException e) {
      LOG.warnf("Rolling prometheus-adapter failed, retrying on the next change: %s", e.getMessage());
    }
  }

  private void patch(KubernetesClient client, String hash, Instant now) {
    String patch = "{\"metadata\":{\"annotations\":{\"" + AdapterRules.ROLLED_AT_ANNOTATION + "\":\"" + now + "\"}},"
        + "\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"" + AdapterRules.CONFIG_HASH_ANNOTATION + "\":\""
        + hash + "\"}}}}}";
    client.apps().deployments().inNamespace(adapter.namespace()).withName(adapter.deploymentName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    patched = hash;
    rolledAt = now;
    LOG.infof("Rolled prometheus-adapter %s/%s for config %s", adapter.namespace(), adapter.deploymentName(), hash);
  }

  private static java.util.Optional<Instant> lastRoll(Deployment d) {
    Map<String, String> a = d.getMetadata().getAnnotations();
    String v = a == null ? null : a.get(AdapterRules.ROLLED_AT_ANNOTATION);
    try {
      return v == null ? java.util.Optional.empty() : java.util.Optional.of(Instant.parse(v));
    } catch (DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }

  private Deployment deployment(KubernetesClient client) {
    if (informer == null) {
      informer = client.apps().deployments().inNamespace(adapter.namespace())
          .withField("metadata.name", adapter.deploymentName()).inform();
    }
    return informer.getStore().getByKey(adapter.namespace() + "/" + adapter.deploymentName());
  }

  /**
   * Whether the adapter runs (or will run) the config, and a note or problem; {@code rollIn}: how soon a pending roll
   * makes the adapter reread it (null when none is pending), after which the note no longer holds.
   */
  record Result(boolean ok, String note, Duration rollIn) {
    static final Result DONE = new Result(true, null, null);
  }
}

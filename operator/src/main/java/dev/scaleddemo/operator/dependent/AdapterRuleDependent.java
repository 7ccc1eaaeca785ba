package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.config.OperatorSettings;
import dev.scaleddemo.operator.config.OperatorSettings.AdapterSettings;
import dev.scaleddemo.operator.manifest.AdapterRules;
import dev.scaleddemo.operator.status.AdapterRuleState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.NameSetter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps this app's rule in prometheus-adapter's shared config. The ConfigMap lives in the adapter's namespace
 * and holds other apps' and other people's rules, so it is never owned or applied whole: each reconcile
 * recomputes the rules every live app needs, merges them in with optimistic locking, and rolls the adapter
 * when the config changed. Deleting an app recomputes without it (this is a {@link Deleter}, so the app gets a
 * finalizer).
 */
public class AdapterRuleDependent
    implements DependentResource<ConfigMap, ScaledDemoApp>, Deleter<ScaledDemoApp>, NameSetter {
  public static final String EVENT_SOURCE = "adapter-config";
  /** Key under which the outcome is left in the workflow context for the status. */
  public static final String STATE_KEY = "adapterRuleState";
  private static final int MAX_ATTEMPTS = 8;
  private static final Logger LOG = Logger.getLogger(AdapterRuleDependent.class);

  private final AdapterSettings adapter = OperatorSettings.fromConfig().adapter();
  private String name = DependentResource.defaultNameFor(AdapterRuleDependent.class);

  /** The workflow resolves dependsOn by this name, so it must be the one given in @Dependent. */
  @Override
  public void setName(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Class<ConfigMap> resourceType() {
    return ConfigMap.class;
  }

  /** Watches the adapter ConfigMap so a hand edit that breaks our rules is repaired at once. */
  @Override
  public Optional<? extends EventSource<ConfigMap, ScaledDemoApp>> eventSource(EventSourceContext<ScaledDemoApp> ctx) {
    if (!adapter.configured()) {
      return Optional.empty();
    }
    var config = InformerEventSourceConfiguration.from(ConfigMap.class, ScaledDemoApp.class)
        .withName(EVENT_SOURCE)
        .withNamespaces(Set.of(adapter.namespace()))
        .withSecondaryToPrimaryMapper(cm -> adapter.configMapName().equals(cm.getMetadata().getName())
            ? ctx.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet())
            : Set.of())
        .withGenericFilter(cm -> adapter.configMapName().equals(cm.getMetadata().getName()))
        .build();
    return Optional.of(new InformerEventSource<>(config, ctx));
  }

  @Override
  public ReconcileResult<ConfigMap> reconcile(ScaledDemoApp app, Context<ScaledDemoApp> ctx) {
    List<ScaledDemoApp> live = ctx.getPrimaryCache().list()
        .filter(a -> a.getMetadata().getDeletionTimestamp() == null).collect(Collectors.toList());
    if (live.stream().noneMatch(a -> sameApp(a, app))) {
      live.add(app); // the cache may lag behind a just-created app
    }
    AdapterRuleState state = sync(ctx.getClient(), cachedConfigMap(ctx), live, app);
    ctx.managedWorkflowAndDependentResourceContext().put(STATE_KEY, state);
    return ReconcileResult.noOperation(null);
  }

  @Override
  public void delete(ScaledDemoApp app, Context<ScaledDemoApp> ctx) {
    List<ScaledDemoApp> others = ctx.getPrimaryCache().list()
        .filter(a -> a.getMetadata().getDeletionTimestamp() == null && !sameApp(a, app))
        .collect(Collectors.toList());
    AdapterRuleState state = sync(ctx.getClient(), cachedConfigMap(ctx), others, null);
    if (!state.synced() && AdapterRuleState.ERROR.equals(state.reason())) {
      // Keep the finalizer: the rule must not outlive the app. JOSDK retries the cleanup.
      throw new IllegalStateException("could not remove the adapter rule: " + state.message());
    }
  }

  /**
   * The adapter ConfigMap as our informer last saw it. Reconciles read it from there instead of the API server; a
   * stale copy costs at most one conflict (409) and a fresh read, never a lost rule.
   */
  private Optional<ConfigMap> cachedConfigMap(Context<ScaledDemoApp> ctx) {
    if (!adapter.configured()) {
      return Optional.empty();
    }
    var source = ctx.eventSourceRetriever().getEventSourceFor(ConfigMap.class, EVENT_SOURCE);
    return source instanceof InformerEventSource<ConfigMap, ?> informer
        ? informer.get(new ResourceID(adapter.configMapName(), adapter.namespace()))
        : Optional.empty();
  }

  /**
   * Converges the shared config to the rules {@code apps} need, and reports for {@code forApp} (may be null).
   * {@code cached} is the informer's copy of the ConfigMap, tried first (empty: read it from the API server).
   */
  AdapterRuleState sync(KubernetesClient client, Optional<ConfigMap> cached, List<ScaledDemoApp> apps,
      ScaledDemoApp forApp) {
    if (!adapter.configured()) {
      return AdapterRuleState.failed(AdapterRuleState.NOT_CONFIGURED, "The operator is not configured with"
          + " prometheus-adapter's ConfigMap (scaleddemo.adapter.namespace / config-map): no metric is served.");
    }
    Map<String, AdapterRules.Claim> claims = AdapterRules.claims(apps);
    String config;
    try {
      config = writeConfig(client, cached, claims);
    } catch (AdapterRules.InvalidConfigException e) {
      return AdapterRuleState.failed(AdapterRuleState.CONFIG_INVALID, "ConfigMap " + adapter.namespace() + "/"
          + adapter.configMapName() + " was left untouched: " + e.getMessage());
    } catch (KubernetesClientException e) {
      LOG.warnf("Syncing the adapter config failed: %s", e.getMessage());
      return AdapterRuleState.failed(AdapterRuleState.ERROR, "Updating the adapter config failed: " + e.getMessage());
    }
    if (config == null) {
      return AdapterRuleState.failed(AdapterRuleState.CONFIG_NOT_FOUND, "prometheus-adapter's ConfigMap "
          + adapter.namespace() + "/" + adapter.configMapName() + " does not exist: install prometheus-adapter.");
    }
    String rolled;
    try {
      rolled = rollAdapter(client, AdapterRules.hash(config));
    } catch (KubernetesClientException e) {
      return AdapterRuleState.failed(AdapterRuleState.ERROR, "Rolling the adapter failed: " + e.getMessage());
    }
    if (forApp == null) {
      return AdapterRuleState.ok("");
    }
    var claim = claims.get(forApp.getSpec().getMetric().getCounter());
    String window = forApp.getSpec().getScaling().getRateWindow();
    if (claim != null && !claim.rateWindow().equals(window)) {
      return AdapterRuleState.failed(AdapterRuleState.WINDOW_CONFLICT, "Counter " + claim.counter()
          + " is shared with the older ScaledDemoApp " + claim.ownerNamespace() + "/" + claim.ownerName()
          + ", whose rateWindow " + claim.rateWindow() + " the adapter rule uses instead of " + window + ".");
    }
    if (rolled != null) {
      return AdapterRuleState.failed(AdapterRuleState.DEPLOYMENT_NOT_FOUND, rolled);
    }
    return AdapterRuleState.ok("The adapter serves " + forApp.getSpec().getMetric().perSecondName()
        + " from " + forApp.getSpec().getMetric().getCounter() + " (rate window " + window + ").");
  }

  /** Merges and writes the config; returns the config now in place, or null when the ConfigMap is missing. */
  private String writeConfig(KubernetesClient client, Optional<ConfigMap> cached,
      Map<String, AdapterRules.Claim> claims) throws AdapterRules.InvalidConfigException {
    var resource = client.configMaps().inNamespace(adapter.namespace()).withName(adapter.configMapName());
    for (int attempt = 1; ; attempt++) {
      // the cache first; after a conflict (or without a cached copy) the API server
      ConfigMap cm = attempt == 1 && cached.isPresent() ? cached.get() : resource.get();
      if (cm == null) {
        return null;
      }
      String existing = cm.getData() == null ? null : cm.getData().get(adapter.configKey());
      var owned = AdapterRules.parseOwned(cm.getMetadata().getAnnotations() == null ? null
          : cm.getMetadata().getAnnotations().get(AdapterRules.OWNED_ANNOTATION));
      var merged = AdapterRules.merge(existing, owned, claims);
      if (!merged.changed()) {
        return existing;
      }
      ConfigMap updated = new ConfigMapBuilder(cm)
          .editMetadata().addToAnnotations(AdapterRules.OWNED_ANNOTATION,
              AdapterRules.formatOwned(merged.ownedCounters())).endMetadata()
          .addToData(adapter.configKey(), merged.config())
          .build();
      try {
        // update() sends our resourceVersion: a concurrent writer makes it fail with 409 and we merge again.
        client.configMaps().inNamespace(adapter.namespace()).resource(updated).update();
        LOG.infof("Adapter config %s/%s updated: rules for %s", adapter.namespace(), adapter.configMapName(),
            merged.ownedCounters());
        return merged.config();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** Sets the config hash on the adapter's pod template; returns a problem message, or null when all is well. */
  private String rollAdapter(KubernetesClient client, String hash) {
    if (adapter.deploymentName() == null || adapter.deploymentName().isBlank()) {
      return null; // not configured: the user restarts the adapter themselves
    }
    var deployment = client.apps().deployments().inNamespace(adapter.namespace()).withName(adapter.deploymentName());
    Deployment d = deployment.get();
    if (d == null) {
      return "prometheus-adapter's Deployment " + adapter.namespace() + "/" + adapter.deploymentName()
          + " does not exist: the rules are written but nothing serves them.";
    }
    var annotations = d.getSpec().getTemplate().getMetadata() == null ? null
        : d.getSpec().getTemplate().getMetadata().getAnnotations();
    if (annotations == null || !Objects.equals(annotations.get(AdapterRules.CONFIG_HASH_ANNOTATION), hash)) {
      String patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\""
          + AdapterRules.CONFIG_HASH_ANNOTATION + "\":\"" + hash + "\"}}}}}";
      deployment.patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      LOG.infof("Rolled prometheus-adapter %s/%s for config %s", adapter.namespace(), adapter.deploymentName(), hash);
    }
    return null;
  }

  private static boolean sameApp(ScaledDemoApp a, ScaledDemoApp b) {
    return Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace())
        && Objects.equals(a.getMetadata().getName(), b.getMetadata().getName());
  }
}

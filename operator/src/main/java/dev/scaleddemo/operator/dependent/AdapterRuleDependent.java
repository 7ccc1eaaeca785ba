package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.config.OperatorConfig;
import dev.scaleddemo.operator.config.OperatorSettings.AdapterSettings;
import dev.scaleddemo.operator.manifest.AdapterRules;
import dev.scaleddemo.operator.status.AdapterRuleState;
import dev.scaleddemo.operator.status.Conditions;
import dev.scaleddemo.operator.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps this app's rule in prometheus-adapter's shared config. The ConfigMap lives in the adapter's namespace
 * and holds other apps' and other people's rules, so it is never owned or applied whole: each reconcile
 * recomputes the rules every live app needs ({@link AdapterRules}), splices them in with optimistic locking,
 * writes only a config prometheus-adapter would load, and rolls the adapter ({@link AdapterRoller}) when it changed. Deleting an app recomputes without it (this is a {@link Deleter}, so the app gets a
 * finalizer).
 */
public class AdapterRuleDependent
    implements DependentResource<ConfigMap, ScaledDemoApp>, Deleter<ScaledDemoApp>, NameSetter {
  public static final String EVENT_SOURCE = "adapter-config";
  /** Where {@link #reconcile} leaves this reconcile's outcome for {@link #outcome}. */
  private static final String OUTCOME_KEY = AdapterRuleState.class.getName();
  private static final int MAX_ATTEMPTS = 8;
  private static final Logger LOG = Logger.getLogger(AdapterRuleDependent.class);

  @Inject
  OperatorConfig config;
  private AdapterSettings adapter;
  private AdapterRoller roller;
  private String name = DependentResource.defaultNameFor(AdapterRuleDependent.class);
  /**
   * Our last write and the versions it replaced: the informer shows our own write a moment later, and a merge
   * over the copy it replaced would only fail with 409. Guarded by {@code this}.
   */
  private ConfigMap written;
  private final Set<String> overwritten = new java.util.LinkedHashSet<>();
  /** The last merge and the ConfigMap version it is in place at. Guarded by {@code this}. */
  private AdapterRules.MergeResult lastMerge;
  private String lastMergeAt;

  @PostConstruct
  void configure() {
    adapter = config.settings().adapter();
    roller = new AdapterRoller(adapter, Clock.systemUTC());
  }

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

  /**
   * Watches the adapter ConfigMap so a hand edit that breaks our rules is repaired at once. A change maps only to
   * the apps it may concern: those whose rule is not intact in the config, those not yet synced, and, when the
   * record lists a rule no app claims any more, the oldest app (to remove it).
   */
  @Override
  public Optional<? extends EventSource<ConfigMap, ScaledDemoApp>> eventSource(EventSourceContext<ScaledDemoApp> ctx) {
    if (!adapter.configured()) {
      return Optional.empty();
    }
    var config = InformerEventSourceConfiguration.from(ConfigMap.class, ScaledDemoApp.class)
        .withName(EVENT_SOURCE)
        .withNamespaces(Set.of(adapter.namespace()))
        .withSecondaryToPrimaryMapper(cm -> adapter.configMapName().equals(cm.getMetadata().getName())
            ? affected(cm, ctx.getPrimaryCache().list().toList()) : Set.of())
        .withGenericFilter(cm -> adapter.configMapName().equals(cm.getMetadata().getName()))
        .build();
    return Optional.of(new InformerEventSource<>(config, ctx));
  }

  Set<ResourceID> affected(ConfigMap cm, List<ScaledDemoApp> apps) {
    Set<String> intact;
    AdapterRules.Record record = AdapterRules.Record.parse(annotation(cm, AdapterRules.RECORD_ANNOTATION));
    try {
      intact = AdapterRules.intactRules(data(cm), record);
    } catch (AdapterRules.InvalidConfigException e) {
      intact = Set.of(); // every app reports the broken config
    }
    Set<ResourceID> out = new HashSet<>();
    Set<String> claimed = new HashSet<>();
    for (ScaledDemoApp app : apps) {
      if (app.getSpec() == null || !SpecValidator.validate(app.getSpec()).isEmpty()
          || app.getSpec().getScaling().usesKeda()) continue;
      String metric = AdapterRules.metricName(app.getSpec());
      claimed.add(metric);
      boolean synced = app.getStatus() != null && app.getStatus().getConditions() != null
          && app.getStatus().getConditions().stream().anyMatch(c -> Conditions.ADAPTER_RULE_SYNCED.equals(c.getType())
              && Conditions.TRUE.equals(c.getStatus()) && Objects.equals(c.getObservedGeneration(),
                  app.getMetadata().getGeneration()));
      if (!synced || !intact.contains(metric)) out.add(ResourceID.fromResource(app));
    }
    if (!claimed.containsAll(record.rules().keySet()) || annotation(cm, AdapterRules.LEGACY_ANNOTATION) != null) {
      AdapterRules.claims(apps).stream().findFirst()
          .ifPresent(c -> out.add(new ResourceID(c.name(), c.namespace())));
    }
    return out;
  }

  @Override
  public ReconcileResult<ConfigMap> reconcile(ScaledDemoApp app, Context<ScaledDemoApp> ctx) {
    Supplier<List<ScaledDemoApp>> live = () -> {
      List<ScaledDemoApp> apps = ctx.getPrimaryCache().list()
          .filter(a -> a.getMetadata().getDeletionTimestamp() == null && !sameApp(a, app))
          .collect(Collectors.toList());
      apps.add(app); // this reconcile's copy: the cache may lag behind a just-created or just-changed app
      ControllerStopping.check(ctx); // an emptied cache claims no rule: the merge would remove other apps' rules
      return apps;
    };
    AdapterRuleState state = sync(ctx.getClient(), cachedConfigMap(ctx), live, app);
    ctx.managedWorkflowAndDependentResourceContext().put(OUTCOME_KEY, state);
    return ReconcileResult.noOperation(null);
  }

  /** What the last {@link #reconcile} in this context found; empty when it did not run. */
  public static Optional<AdapterRuleState> outcome(Context<ScaledDemoApp> ctx) {
    return ctx.managedWorkflowAndDependentResourceContext().get(OUTCOME_KEY, AdapterRuleState.class);
  }

  /**
   * Removes this app's claim. Only a failure that retrying can fix keeps the finalizer: another app's problem, a
   * broken admin config or a missing adapter never holds a deletion (the rule is then removed by the next sync).
   */
  @Override
  public void delete(ScaledDemoApp app, Context<ScaledDemoApp> ctx) {
    List<ScaledDemoApp> others = ctx.getPrimaryCache().list()
        .filter(a -> a.getMetadata().getDeletionTimestamp() == null && !sameApp(a, app))
        .collect(Collectors.toList());
    ControllerStopping.check(ctx);
    AdapterRuleState state = sync(ctx.getClient(), cachedConfigMap(ctx), () -> others, null);
    if (!state.synced() && AdapterRuleState.ERROR.equals(state.reason())) {
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
  AdapterRuleState sync(KubernetesClient client, Optional<ConfigMap> cached, Supplier<List<ScaledDemoApp>> apps,
      ScaledDemoApp forApp) {
    if (!adapter.configured()) {
      return AdapterRuleState.failed(AdapterRuleState.NOT_CONFIGURED, "The operator is not configured with"
          + " prometheus-adapter's ConfigMap (scaleddemo.adapter.namespace / config-map): no metric is served.");
    }
    String where = "ConfigMap " + adapter.namespace() + "/" + adapter.configMapName();
    AdapterRules.MergeResult merged;
    try {
      merged = inPlace(cached, forApp);
      if (merged == null) {
        merged = writeConfig(client, cached, apps);
      }
    } catch (AdapterRules.InvalidConfigException e) {
      return AdapterRuleState.failed(AdapterRuleState.CONFIG_INVALID, where + " was left untouched and the adapter"
          + " was not restarted: " + e.getMessage());
    } catch (KubernetesClientException e) {
      LOG.warnf("Syncing the adapter config failed: %s", e.getMessage());
      boolean retry = e.getCode() == 0 || e.getCode() == 409 || e.getCode() == 429 || e.getCode() >= 500;
      return AdapterRuleState.failed(retry ? AdapterRuleState.ERROR : AdapterRuleState.CONFIG_REJECTED,
          "Updating " + where + " failed: " + e.getMessage());
    }
    if (merged == null) {
      return AdapterRuleState.failed(AdapterRuleState.CONFIG_NOT_FOUND, "prometheus-adapter's " + where
          + " does not exist: install prometheus-adapter.");
    }
    AdapterRoller.Result rolled;
    try {
      rolled = roller.configured() ? roller.roll(client, AdapterRules.hash(merged.config()))
          : AdapterRoller.Result.DONE;
    } catch (KubernetesClientException e) {
      return AdapterRuleState.failed(AdapterRuleState.ERROR, "Rolling the adapter failed: " + e.getMessage());
    }
    if (forApp == null) {
      return AdapterRuleState.ok("");
    }
    return outcome(forApp, merged, rolled);
  }

  private AdapterRuleState outcome(ScaledDemoApp app, AdapterRules.MergeResult merged, AdapterRoller.Result rolled) {
    var rule = AdapterRules.rule(app.getSpec());
    var outcome = merged.outcomes().get(rule.metric());
    if (outcome == null) {
      return AdapterRuleState.failed(AdapterRuleState.NOT_RUN, "No adapter rule was computed for this app.");
    }
    String wanted = rule.metric() + " (rate of " + rule.counter() + " over " + rule.window() + ")";
    if (outcome.kind() == AdapterRules.Outcome.Kind.NAMESPACE_LIMIT) {
      return AdapterRuleState.failed(AdapterRuleState.RULE_LIMIT, "No adapter rule for " + wanted + ": "
          + outcome.detail() + " (scaleddemo.adapter.max-rules-per-namespace).");
    }
    if (outcome.kind() == AdapterRules.Outcome.Kind.TOO_LARGE) {
      return AdapterRuleState.failed(AdapterRuleState.CONFIG_TOO_LARGE, "No adapter rule for " + wanted + ": "
          + outcome.detail() + " (scaleddemo.adapter.max-config-bytes).");
    }
    if (!rolled.ok()) {
      return AdapterRuleState.failed(AdapterRuleState.DEPLOYMENT_NOT_FOUND, rolled.note());
    }
    String note = rolled.note() == null ? "" : " " + rolled.note();
    if (outcome.kind() == AdapterRules.Outcome.Kind.SERVED_BY_OTHER) {
      return new AdapterRuleState(true, AdapterRuleState.SERVED_BY_OTHER_RULE, "The adapter config's own rule "
          + outcome.detail() + " already yields " + rule.metric() + ", so the operator adds no rule for it (it would"
          + " want a rate over " + rule.window() + ")." + note, rolled.rollIn());
    }
    return new AdapterRuleState(true, AdapterRuleState.SYNCED, "The adapter serves " + wanted + "." + note,
        rolled.rollIn());
  }

  /**
   * Merges and writes the config; returns the merge now in place, or null when the ConfigMap is missing. One
   * merge at a time: concurrent reconciles would otherwise write over each other's version and retry on 409.
   */
  private synchronized AdapterRules.MergeResult writeConfig(KubernetesClient client, Optional<ConfigMap> cached,
      Supplier<List<ScaledDemoApp>> apps) throws AdapterRules.InvalidConfigException {
    List<AdapterRules.Claim> claims = AdapterRules.claims(apps.get());
    var resource = client.configMaps().inNamespace(adapter.namespace()).withName(adapter.configMapName());
    var limits = new AdapterRules.Limits(adapter.maxRulesPerNamespace(), adapter.maxConfigBytes());
    for (int attempt = 1; ; attempt++) {
      // the cache first; after a conflict (or without a cached copy) the API server
      ConfigMap cm = attempt == 1 && cached.isPresent() ? newest(cached.get()) : resource.get();
      if (cm == null) {
        return null;
      }
      String legacy = annotation(cm, AdapterRules.LEGACY_ANNOTATION);
      var record = AdapterRules.Record.parse(annotation(cm, AdapterRules.RECORD_ANNOTATION));
      var merged = AdapterRules.merge(data(cm), record, AdapterRules.parseLegacy(legacy), claims, limits);
      if (!merged.changed()) {
        return merged(merged, cm);
      }
      ConfigMap updated = new ConfigMapBuilder(cm)
          .editMetadata().addToAnnotations(AdapterRules.RECORD_ANNOTATION, merged.record().format())
              .removeFromAnnotations(AdapterRules.LEGACY_ANNOTATION).endMetadata()
          .addToData(adapter.configKey(), merged.config())
          .build();
      try {
        // update() sends our resourceVersion: a concurrent writer makes it fail with 409 and we merge again.
        ConfigMap result = client.configMaps().inNamespace(adapter.namespace()).resource(updated).update();
        remember(cm, result);
        merged(merged, result);
        LOG.infof("Adapter config %s/%s updated: rules for %s", adapter.namespace(), adapter.configMapName(),
            merged.record().rules().keySet());
        return merged;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * The last merge, when it already gives {@code app}'s rule (written, or served by an admin's rule) and the config
   * is still the one it was merged into: then the app's claim changes nothing, and computing every app's claim
   * again (each reconcile, O(N) apps; O(N^2) while N apps come up) is skipped. Null when a full merge is needed.
   */
  private synchronized AdapterRules.MergeResult inPlace(Optional<ConfigMap> cached, ScaledDemoApp app) {
    if (app == null || lastMerge == null || cached.isEmpty()
        || !Objects.equals(newest(cached.get()).getMetadata().getResourceVersion(), lastMergeAt)) {
      return null;
    }
    var outcome = lastMerge.outcomes().get(AdapterRules.metricName(app.getSpec()));
    return outcome != null && (outcome.kind() == AdapterRules.Outcome.Kind.WRITTEN
        || outcome.kind() == AdapterRules.Outcome.Kind.SERVED_BY_OTHER) ? lastMerge : null;
  }

  private AdapterRules.MergeResult merged(AdapterRules.MergeResult merged, ConfigMap at) {
    lastMerge = merged;
    lastMergeAt = at.getMetadata().getResourceVersion();
    return merged;
  }

  /** The cached copy, or our own later write when the cache still shows a version that write replaced. */
  private ConfigMap newest(ConfigMap cached) {
    return written != null && overwritten.contains(cached.getMetadata().getResourceVersion()) ? written : cached;
  }

  private void remember(ConfigMap replaced, ConfigMap result) {
    overwritten.add(replaced.getMetadata().getResourceVersion());
    if (written != null) {
      overwritten.add(written.getMetadata().getResourceVersion());
    }
    while (overwritten.size() > 32) {
      overwritten.remove(overwritten.iterator().next());
    }
    written = result;
  }

  private String data(ConfigMap cm) {
    return cm.getData() == null ? null : cm.getData().get(adapter.configKey());
  }

  private static String annotation(ConfigMap cm, String key) {
    return cm.getMetadata().getAnnotations() == null ? null : cm.getMetadata().getAnnotations().get(key);
  }

  private static boolean sameApp(ScaledDemoApp a, ScaledDemoApp b) {
    return Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace())
        && Objects.equals(a.getMetadata().getName(), b.getMetadata().getName());
  }
}

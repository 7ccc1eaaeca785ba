package dev.scaleddemo.operator.it;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.assertj.core.api.Assertions;
import org.awaitility.core.ConditionFactory;

/**
 * ScaledDemoApps of one namespace as the API server stores them: created from YAML as a user would write them, read
 * back as the typed {@link ScaledDemoApp} (or, for objects the model may not hold, untyped), and waited for.
 */
public final class Apps {
  public static final String API_VERSION = HasMetadata.getApiVersion(ScaledDemoApp.class);
  public static final String KIND = HasMetadata.getKind(ScaledDemoApp.class);

  private final KubernetesClient client;
  private final String namespace;

  public Apps(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The app, typed; null when it does not exist. */
  public ScaledDemoApp get(String name) {
    return typed().withName(name).get();
  }

  public NonNamespaceOperation<ScaledDemoApp, KubernetesResourceList<ScaledDemoApp>, Resource<ScaledDemoApp>> typed() {
    return client.resources(ScaledDemoApp.class).inNamespace(namespace);
  }

  /** Deletes every app of the namespace and waits until they are gone (finalizers done). */
  public void deleteAll() {
    typed().delete();
    await("all ScaledDemoApps in " + namespace + " gone").until(() -> typed().list().getItems().isEmpty());
  }

  public Resource<GenericKubernetesResource> app(String name) {
    return all().inNamespace(namespace).withName(name);
  }

  public MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> all() {
    return client.genericKubernetesResources(API_VERSION, KIND);
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> condition(String name, String type) {
    GenericKubernetesResource app = app(name).get();
    if (app == null || !(app.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
      return null;
    }
    if (!(status.get("conditions") instanceof List<?> conditions)) {
      return null;
    }
    return conditions.stream().map(c -> (Map<String, Object>) c).filter(c -> type.equals(c.get("type")))
        .findFirst().orElse(null);
  }

  /** A ScaledDemoApp manifest with the given name and (YAML, top-level) spec/metadata lines. */
  public static String yaml(String name, String specYaml) {
    return "apiVersion: " + API_VERSION + "\nkind: " + KIND + "\nmetadata:\n  name: " + name + "\n" + specYaml;
  }

  /** Creates the app from {@code specYaml} (stored as written, no client-side defaults); returns what was stored. */
  public ScaledDemoApp create(String name, String specYaml) {
    return create(yaml(name, specYaml));
  }

  /** Same, from a whole manifest (e.g. a sample). */
  public ScaledDemoApp create(String manifestYaml) {
    GenericKubernetesResource app = Serialization.unmarshal(manifestYaml, GenericKubernetesResource.class);
    return Serialization.unmarshal(Serialization.asJson(client.resource(app).inNamespace(namespace).create()),
        ScaledDemoApp.class);
  }

  /** Creates the app, expecting the API server to refuse it; returns the refusal. */
  public KubernetesClientException refusal(String name, String specYaml) {
    try {
      create(name, specYaml);
    } catch (KubernetesClientException e) {
      return e;
    }
    app(name).delete();
    throw new AssertionError("the API server admitted " + name + ":\n" + specYaml);
  }

  /** Whether the app's condition {@code type} has {@code status} and, unless {@code reason} is null, that reason. */
  public boolean hasCondition(String name, String type, String status, String reason) {
    Map<String, Object> c = condition(name, type);
    return c != null && status.equals(c.get("status")) && (reason == null || reason.equals(c.get("reason")));
  }

  public long observedGeneration(String name) {
    GenericKubernetesResource app = app(name).get();
    if (app == null || !(app.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
      return -1;
    }
    return status.get("observedGeneration") instanceof Number n ? n.longValue() : -1;
  }

  public long generation(String name) {
    return app(name).get().getMetadata().getGeneration();
  }

  /** Waits for Ready=True; returns the app as it was then. */
  public ScaledDemoApp awaitReady(String name) {
    return awaitApp(name + " Ready", name, app -> SdaAssert.assertThat(app).isReady());
  }

  /** Ready, and the status describes the current spec; returns the app as it was then. */
  public ScaledDemoApp awaitConverged(String name) {
    return awaitApp(name + " Ready at its current generation", name,
        app -> SdaAssert.assertThat(app).isReady().hasObservedCurrentGeneration());
  }

  /** Waits until the app passes {@code check}; the timeout names the app's last status. */
  public ScaledDemoApp awaitApp(String what, String name, Consumer<ScaledDemoApp> check) {
    AtomicReference<ScaledDemoApp> last = new AtomicReference<>();
    await(what).untilAsserted(() -> {
      ScaledDemoApp app = get(name);
      last.set(app);
      Assertions.assertThat(app).as(namespace + "/" + name).isNotNull();
      check.accept(app);
    });
    return last.get();
  }

  /** {@link Wait#await(String)}, for callers that have Apps at hand. */
  public static ConditionFactory await(String what) {
    return Wait.await(what);
  }
}

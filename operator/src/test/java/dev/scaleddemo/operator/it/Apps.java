package dev.scaleddemo.operator.it;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** ScaledDemoApps of one namespace as the API server stores them: conditions, observedGeneration, waits. */
final class Apps {
  static final String API_VERSION = "scaleddemo.dev/v1alpha1";
  static final String KIND = "ScaledDemoApp";

  private final KubernetesClient client;
  private final String namespace;

  Apps(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  Resource<GenericKubernetesResource> app(String name) {
    return all().inNamespace(namespace).withName(name);
  }

  MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> all() {
    return client.genericKubernetesResources(API_VERSION, KIND);
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> condition(String name, String type) {
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
  static String yaml(String name, String specYaml) {
    return "apiVersion: " + API_VERSION + "\nkind: " + KIND + "\nmetadata:\n  name: " + name + "\n" + specYaml;
  }

  GenericKubernetesResource create(String name, String specYaml) {
    GenericKubernetesResource app = Serialization.unmarshal(yaml(name, specYaml), GenericKubernetesResource.class);
    return client.resource(app).inNamespace(namespace).create();
  }

  /** Creates the app, expecting the API server to refuse it; returns the refusal. */
  KubernetesClientException refusal(String name, String specYaml) {
    try {
      create(name, specYaml);
    } catch (KubernetesClientException e) {
      return e;
    }
    app(name).delete();
    throw new AssertionError("the API server admitted " + name + ":\n" + specYaml);
  }

  long observedGeneration(String name) {
    GenericKubernetesResource app = app(name).get();
    if (app == null || !(app.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
      return -1;
    }
    return status.get("observedGeneration") instanceof Number n ? n.longValue() : -1;
  }

  long generation(String name) {
    return app(name).get().getMetadata().getGeneration();
  }

  void awaitReady(String name) {
    await(name + " Ready").until(() -> {
      Map<String, Object> ready = condition(name, "Ready");
      return ready != null && "True".equals(ready.get("status"));
    });
  }

  /** Ready and the status describes the current spec. */
  void awaitConverged(String name) {
    await(name + " Ready at its current generation").until(() -> {
      Map<String, Object> ready = condition(name, "Ready");
      return ready != null && "True".equals(ready.get("status")) && observedGeneration(name) == generation(name);
    });
  }

  static ConditionFactory await(String what) {
    return Awaitility.await(what).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500));
  }
}

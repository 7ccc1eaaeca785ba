package dev.scaleddemo.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrunedItemStoreTest {
  private static ManagedFieldsEntry entry(String manager, String operation, String subresource) {
    return new ManagedFieldsEntryBuilder()
        .withManager(manager)
        .withOperation(operation)
        .withSubresource(subresource)
        .withApiVersion("apps/v1")
        .withFieldsType("FieldsV1")
        .build();
  }

  private static List<ManagedFieldsEntry> managedFields() {
    return new ArrayList<>(
        List.of(
            entry("scaleddemoappreconciler", "Apply", null),
            entry("kube-controller-manager", "Update", "status"),
            entry("kubectl-edit", "Update", null),
            entry("argocd-controller", "Apply", null)));
  }

  private static Map<String, String> annotations() {
    return new HashMap<>(
        Map.of(
            PrunedItemStore.LAST_APPLIED, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"}",
            "deployment.kubernetes.io/revision", "3"));
  }

  @Test
  void aChildKeepsItsSpecStatusAndTheServerSideApplyEntriesOnly() {
    var deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("shop")
            .withManagedFields(managedFields())
            .withAnnotations(annotations())
            .withLabels(Map.of("app.kubernetes.io/managed-by", "scaled-demo-operator"))
            .endMetadata()
            .withNewSpec()
            .withReplicas(3)
            .endSpec()
            .withNewStatus()
            .withReadyReplicas(2)
            .endStatus()
            .build();
    var store = new PrunedItemStore<Deployment>();

    store.put(store.getKey(deployment), deployment);

    Deployment cached = store.get("shop/web");
    assertThat(cached.getMetadata().getManagedFields())
        .extracting(ManagedFieldsEntry::getManager)
        .containsExactly("scaleddemoappreconciler", "argocd-controller");
    assertThat(cached.getMetadata().getAnnotations())
        .containsExactly(Map.entry("deployment.kubernetes.io/revision", "3"));
    assertThat(cached.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "scaled-demo-operator");
    assertThat(cached.getSpec().getReplicas()).isEqualTo(3);
    assertThat(cached.getStatus().getReadyReplicas()).isEqualTo(2);
  }

  @Test
  void anAppKeepsNoManagedFieldsNorKubectlsCopyButItsSpecAndStatus() {
    ScaledDemoApp app = TestApps.sample("prometheus-demo-app.yaml");
    app.getMetadata().setNamespace("shop");
    app.getMetadata().setManagedFields(managedFields());
    app.getMetadata().setAnnotations(annotations());
    var spec = app.getSpec();
    var store = new PrunedItemStore.Primary<ScaledDemoApp>();

    store.put(store.getKey(app), app);

    var cached = store.get("shop/" + app.getMetadata().getName());
    assertThat(cached.getMetadata().getManagedFields()).isNull();
    assertThat(cached.getMetadata().getAnnotations()).doesNotContainKey(PrunedItemStore.LAST_APPLIED);
    assertThat(cached.getSpec()).isSameAs(spec);
  }

  /** The fields the operator applies to a Deployment, as the API server records them (owner uid per app). */
  private static Map<String, Object> appliedFields(String ownerUid) {
    Map<String, Object> leaf = new LinkedHashMap<>();
    Map<String, Object> container = new LinkedHashMap<>(Map.of(".", new LinkedHashMap<>(), "f:image", leaf));
    Map<String, Object> spec = new LinkedHashMap<>(Map.of("f:replicas", new LinkedHashMap<>(),
        "f:template", new LinkedHashMap<>(Map.of("f:spec", new LinkedHashMap<>(Map.of("f:containers",
            new LinkedHashMap<>(Map.of("k:{\"name\":\"demo-app\"}", container))))))));
    Map<String, Object> owner = new LinkedHashMap<>(Map.of("k:{\"uid\":\"" + ownerUid + "\"}",
        new LinkedHashMap<>(Map.of(".", new LinkedHashMap<>()))));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("f:metadata", new LinkedHashMap<>(Map.of("f:ownerReferences", owner)));
    fields.put("f:spec", spec);
    return fields;
  }

  private static Deployment applied(String name, String ownerUid) {
    var entry = entry("scaleddemoappreconciler", "Apply", null);
    entry.setFieldsV1(new FieldsV1());
    entry.getFieldsV1().setAdditionalProperties(appliedFields(ownerUid));
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("shop")
        .withManagedFields(new ArrayList<>(List.of(entry))).endMetadata().build();
  }

  private static Map<String, Object> fieldsOf(PrunedItemStore<Deployment> store, String key) {
    return store.get(key).getMetadata().getManagedFields().get(0).getFieldsV1().getAdditionalProperties();
  }

  @Test
  void childrenOfOneKindShareTheirAppliedFieldSetsButKeepTheirOwn() {
    var store = new PrunedItemStore<Deployment>();
    for (var d : List.of(applied("a", "uid-a"), applied("b", "uid-b"))) {
      store.put(store.getKey(d), d);
    }

    var a = fieldsOf(store, "shop/a");
    var b = fieldsOf(store, "shop/b");
    assertThat(a).isEqualTo(appliedFields("uid-a"));
    assertThat(b).isEqualTo(appliedFields("uid-b"));
    assertThat(a.get("f:spec")).as("one copy of the same subtree").isSameAs(b.get("f:spec"));
    assertThat(a.get("f:metadata")).as("the owner references differ").isNotEqualTo(b.get("f:metadata"));
    assertThatThrownBy(() -> a.put("f:status", Map.of())).isInstanceOf(UnsupportedOperationException.class);
  }

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** The golden Deployment as the API server sends it in a watch: parsed from JSON, its own strings. */
  private static Deployment watched(String namespace, String uid) throws Exception {
    var deployment = JSON.unmarshal(Files.readString(TestApps.root().resolve(
        "operator/src/test/resources/golden/prometheus-demo-app/deployment.yaml")), Deployment.class);
    deployment.getMetadata().setNamespace(new String(namespace));
    deployment.getMetadata().setUid(uid);
    deployment.getMetadata().setResourceVersion(uid + "-rv");
    deployment.getMetadata().setCreationTimestamp(new String("2026-12-02T04:00:00Z"));
    return deployment;
  }

  @Test
  void cachedObjectsShareEqualStringsAndEmptyMapsButSayExactlyWhatTheyDid() throws Exception {
    var store = new PrunedItemStore<Deployment>();
    var first = watched("shop", "uid-1");
    var second = watched("shop", "uid-2");
    second.getMetadata().setName("other");
    var json = List.of(JSON.asJson(first), JSON.asJson(second));

    store.put(store.getKey(first), first);
    store.put(store.getKey(second), second);

    Deployment a = store.get("shop/prometheus-demo-app");
    Deployment b = store.get("shop/other");
    assertThat(List.of(JSON.asJson(a), JSON.asJson(b))).as("nothing changed in what they say").isEqualTo(json);
    assertThat(b.getMetadata().getNamespace()).isSameAs(a.getMetadata().getNamespace());
    assertThat(b.getMetadata().getCreationTimestamp()).isSameAs(a.getMetadata().getCreationTimestamp());
    assertThat(b.getMetadata().getLabels().get("app.kubernetes.io/managed-by"))
        .isSameAs(a.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    assertThat(b.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isSameAs(a.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertThat(b.getMetadata().getOwnerReferences().get(0).getUid())
        .isSameAs(a.getMetadata().getOwnerReferences().get(0).getUid());
    assertThat(b.getMetadata().getAdditionalProperties()).isEmpty();
    assertThat(b.getMetadata().getAdditionalProperties()).isSameAs(a.getSpec().getAdditionalProperties());
    assertThat(b.getMetadata().getFinalizers()).isEmpty();
    assertThat(b.getMetadata().getFinalizers()).isSameAs(a.getMetadata().getFinalizers());
    assertThatThrownBy(() -> a.getMetadata().setAdditionalProperty("x", "y"))
        .as("a writer into a cached object fails instead of writing into every object")
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aCachedObjectClonesAndAppliesAsBefore() throws Exception {
    var store = new PrunedItemStore<Deployment>();
    var deployment = watched("shop", "uid-1");
    var before = JSON.asJson(deployment);
    store.put(store.getKey(deployment), deployment);

    // JOSDK's resource cloner and its server-side-apply matcher work on copies made through the serializer
    Deployment copy = JSON.clone(store.get("shop/prometheus-demo-app"));
    copy.getMetadata().getAdditionalProperties().put("x", "y");
    copy.getMetadata().getFinalizers().add("example.org/f");
    assertThat(JSON.asJson(store.get("shop/prometheus-demo-app"))).isEqualTo(before);
    assertThat(JSON.convertValue(store.get("shop/prometheus-demo-app"), Map.class))
        .isEqualTo(JSON.convertValue(JSON.unmarshal(before, Deployment.class), Map.class));
  }

  @Test
  void longStringsAndUniqueIdsAreKeptAsTheyAreAndNestedMapsAreShared() {
    String big = "x".repeat(CanonicalStrings.MAX_LENGTH + 1);
    var store = new PrunedItemStore<ConfigMap>();
    for (String name : List.of("a", "b")) {
      var cm = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("shop")
          .withUid(new String("same-uid")).endMetadata()
          .withData(new LinkedHashMap<>(Map.of("big", new String(big), "small", new String("v")))).build();
      store.put(store.getKey(cm), cm);
    }

    var a = store.get("shop/a");
    var b = store.get("shop/b");
    assertThat(b.getData().get("small")).isSameAs(a.getData().get("small"));
    assertThat(b.getData().get("big")).isEqualTo(big).isNotSameAs(a.getData().get("big"));
    assertThat(b.getMetadata().getUid()).isEqualTo("same-uid").isNotSameAs(a.getMetadata().getUid());
  }
}

package dev.scaleddemo.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.TestApps;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Watch events read by {@link WatchEventStreaming} against fabric8's own reading of the same text: the same class
 * and the same content, and for the kinds fabric8 has a class for, no tree on the way.
 */
public class WatchEventStreamingTest {
  /** A Deployment's MODIFIED event from a real API server: kind before apiVersion, managedFields, status. */
  public static final Path DEPLOYMENT_EVENT = Path.of("src/test/resources/watch-events/deployment-modified.json");

  final CountingNodes fabric8Trees = new CountingNodes();
  final CountingNodes streamingTrees = new CountingNodes();
  final KubernetesSerialization fabric8 = serialization(new ObjectMapper(), fabric8Trees);
  final KubernetesSerialization streaming = serialization(streamingMapper(), streamingTrees);

  @Test
  void aDeploymentAsTheApiServerWritesItStreamsIntoItsClass() throws Exception {
    String event = Files.readString(DEPLOYMENT_EVENT);

    Object read = sameAsFabric8(event, Deployment.class);

    assertThat(read).isInstanceOf(Deployment.class);
    assertThat(((Deployment) read).getMetadata().getManagedFields()).isNotEmpty();
    assertThat(fabric8Trees.objects).as("fabric8 reads the object into a tree first").hasPositiveValue();
    assertThat(streamingTrees.objects).as("trees built when streaming").hasValue(0);
  }

  @Test
  void anAppStreamsIntoItsClassThoughFabric8HasNoneRegisteredForIt() throws Exception {
    ScaledDemoApp app = TestApps.sample("prometheus-demo-app.yaml");
    String json = fabric8.asJson(app);
    assertThat(json).as("keys sorted, as the API server writes a custom resource")
        .startsWith("{\"apiVersion\":\"scaleddemo.dev/v1alpha1\",\"kind\":\"ScaledDemoApp\",");
    String event = "{\"type\":\"ADDED\",\"object\":" + json + "}";
    assertThat(fabric8.unmarshal(event, WatchEvent.class).getObject())
        .as("fabric8's reading, before its watch converts it")
        .isInstanceOf(GenericKubernetesResource.class);

    Object read = sameAsFabric8(event, ScaledDemoApp.class);

    assertThat(streaming.unmarshal(event, WatchEvent.class).getObject()).isInstanceOf(ScaledDemoApp.class);
    assertThat(streaming.asJson(read)).isEqualTo(json);
    // spec and status are read through trees on purpose (UnreadableSpec); the event adds none of its own
    streamingTrees.objects.set(0);
    streaming.unmarshal(event, WatchEvent.class);
    int streamingTheEvent = streamingTrees.objects.getAndSet(0);
    streaming.unmarshal(json, ScaledDemoApp.class);
    assertThat(streamingTheEvent).isEqualTo(streamingTrees.objects.get());
  }

  @Test
  void anErrorEventKeepsItsStatus() throws Exception {
    Object read = sameAsFabric8("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
        + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version: 1 (42)\","
        + "\"reason\":\"Expired\",\"code\":410}}",
        Status.class);

    assertThat(read).isInstanceOfSatisfying(Status.class, s -> assertThat(s.getCode()).isEqualTo(410));
  }

  @Test
  void aKindFabric8HasNoClassForStaysGeneric() throws Exception {
    Object read = sameAsFabric8("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\","
        + "\"metadata\":{\"name\":\"w\",\"namespace\":\"team-a\"},\"spec\":{\"size\":3,\"tags\":[\"a\",\"b\"]}}}",
        GenericKubernetesResource.class);

    assertThat(read).isInstanceOf(GenericKubernetesResource.class);
  }

  @Test
  void objectsInAnyOtherShapeReadAsFabric8ReadsThem() throws Exception {
    // kind after metadata; apiVersion only; no type at all; kind not a string; an empty object
    sameAsFabric8("{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"d\"},\"kind\":\"Deployment\","
        + "\"apiVersion\":\"apps/v1\",\"spec\":{\"replicas\":2}}}", Deployment.class);
    sameAsFabric8("{\"type\":\"MODIFIED\",\"object\":{\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"d\"}}}",
        Deployment.class);
    sameAsFabric8("{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":2}}}",
        Deployment.class);
    sameAsFabric8("{\"type\":\"MODIFIED\",\"object\":{\"kind\":{\"nested\":true},\"apiVersion\":\"apps/v1\"}}",
        Deployment.class);
    sameAsFabric8("{\"type\":\"MODIFIED\",\"object\":{}}", Deployment.class);
    sameAsFabric8("{\"type\":\"DELETED\",\"object\":null}", Deployment.class);
  }

  @Test
  void theRestOfTheEventIsReadAfterTheObject() throws Exception {
    WatchEvent event = streaming.unmarshal("{\"object\":{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\","
        + "\"metadata\":{\"name\":\"d\"}},\"type\":\"DELETED\"}", WatchEvent.class);

    assertThat(event.getType()).isEqualTo("DELETED");
    assertThat(((Deployment) event.getObject()).getMetadata().getName()).isEqualTo("d");
  }

  /**
   * Reads the event both ways, each object then converted into the informer's class where it is not one already,
   * as fabric8's watch does; returns the streamed object after checking that it is fabric8's.
   */
  private Object sameAsFabric8(String event, Class<? extends KubernetesResource> informerType) {
    WatchEvent expected = fabric8.unmarshal(event, WatchEvent.class);
    WatchEvent actual = streaming.unmarshal(event, WatchEvent.class);
    assertThat(actual.getType()).isEqualTo(expected.getType());
    if (expected.getObject() == null) {
      assertThat(actual.getObject()).isNull();
      return null;
    }
    Object expectedObject = asInformerReceivesIt(fabric8, expected.getObject(), informerType);
    Object actualObject = asInformerReceivesIt(streaming, actual.getObject(), informerType);
    assertThat(actualObject).as(event).hasSameClassAs(expectedObject);
    assertThat(streaming.asJson(actualObject)).as(event).isEqualTo(fabric8.asJson(expectedObject));
    return actualObject;
  }

  private static Object asInformerReceivesIt(KubernetesSerialization s, Object o, Class<?> informerType) {
    return o instanceof HasMetadata && !informerType.isInstance(o) ? s.convertValue(o, informerType) : o;
  }

  private static ObjectMapper streamingMapper() {
    ObjectMapper mapper = new ObjectMapper();
    new WatchEventStreaming().customize(mapper);
    return mapper;
  }

  /** As Quarkus makes it: no class-loader scan, the model classes registered one by one, not our own. */
  private static KubernetesSerialization serialization(ObjectMapper mapper, CountingNodes nodes) {
    mapper.setNodeFactory(nodes);
    KubernetesSerialization s = new KubernetesSerialization(mapper, false);
    s.registerKubernetesResource(Deployment.class);
    s.registerKubernetesResource(Status.class);
    return s;
  }

  /** Counts the object nodes of the trees a mapper builds. */
  public static final class CountingNodes extends JsonNodeFactory {
    public final AtomicInteger objects = new AtomicInteger();

    @Override
    public ObjectNode objectNode() {
      objects.incrementAndGet();
      return super.objectNode();
    }
  }
}

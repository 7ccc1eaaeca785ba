package dev.scaleddemo.operator.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserSequence;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.cfg.HandlerInstantiator;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.scaleddemo.operator.api.v1alpha1.RootDeserializers;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.keda.ScaledObject;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the object of every watch event in one pass. fabric8's {@link KubernetesDeserializer} reads each object
 * into a tree to learn its kind, then converts the tree into the object's class: two passes and a tree per
 * event, for every event of every informer. For our own custom resources it is three: Quarkus does not register
 * them with the client, so the tree becomes a {@code GenericKubernetesResource}, which the watch then converts into
 * the informer's class. The API server writes {@code kind} and {@code apiVersion} first (they lead every typed
 * object, and an unstructured object's keys are sorted), so once both are read the class is known and the rest
 * of the object streams straight into it. The class comes from fabric8's registry, or is one of ours; an object in
 * another order, or of a kind neither knows, goes to fabric8's deserializer as before.
 */
@Singleton
public class WatchEventStreaming implements KubernetesClientObjectMapperCustomizer {

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.addMixIn(WatchEvent.class, WatchEventObject.class);
  }

  /** Replaces the deserializer on {@link WatchEvent}'s {@code object} (field and setter). */
  abstract static class WatchEventObject {
    @JsonDeserialize(using = OnePass.class)
    Object object;

    @JsonDeserialize(using = OnePass.class)
    abstract void setObject(Object object);
  }

  /** The custom resources this operator watches, by apiVersion and kind. */
  static final Map<String, Class<? extends KubernetesResource>> OWN_KINDS = Stream.of(ScaledDemoApp.class,
      ScaledObject.class).collect(Collectors.toUnmodifiableMap(c -> key(HasMetadata.getApiVersion(c),
          HasMetadata.getKind(c)), c -> c));

  private static String key(String apiVersion, String kind) {
    return apiVersion + "/" + kind;
  }

  static final class OnePass extends JsonDeserializer<Object> {
    /** Jackson keeps one instance per mapper (in its deserializer cache), whose fabric8 deserializer never changes. */
    private volatile KubernetesDeserializer fabric8Deserializer;
    private final RootDeserializers roots = new RootDeserializers();

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      KubernetesDeserializer fabric8 = fabric8Deserializer;
      if (fabric8 == null) {
        fabric8 = fabric8Deserializer = fabric8Deserializer(ctxt.getConfig());
      }
      if (!p.isExpectedStartObjectToken()) {
        return fabric8.deserialize(p, ctxt);
      }
      TokenBuffer head = ctxt.bufferForInputBuffering(p);
      head.writeStartObject();
      String apiVersion = null;
      String kind = null;
      JsonToken t = p.nextToken();
      while (t == JsonToken.FIELD_NAME && (apiVersion == null || kind == null)) {
        String field = p.currentName();
        if (!field.equals("apiVersion") && !field.equals("kind")) {
          break;
        }
        head.copyCurrentStructure(p);
        String value = p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : "";
        if (field.equals("apiVersion")) {
          apiVersion = value;
        } else {
          kind = value;
        }
        t = p.nextToken();
      }
      // the head read so far, then the rest of the object from the field (or end) the loop stopped at
      JsonParser whole = JsonParserSequence.createFlattened(true, head.asParser(p), p);
      whole.nextToken();
      Class<? extends KubernetesResource> type = classOf(fabric8, apiVersion, kind);
      return type == null ? fabric8.deserialize(whole, ctxt) : roots.read(whole, ctxt, type);
    }

    private static Class<? extends KubernetesResource> classOf(KubernetesDeserializer fabric8, String apiVersion,
        String kind) {
      if (apiVersion == null || kind == null) {
        return null;
      }
      Class<? extends KubernetesResource> registered = fabric8.getRegisteredKind(apiVersion, kind);
      return registered != null ? registered : OWN_KINDS.get(key(apiVersion, kind));
    }

    /** The instance fabric8's serialization hands out, with the kinds registered on it. */
    private static KubernetesDeserializer fabric8Deserializer(DeserializationConfig config) {
      HandlerInstantiator handlers = config.getHandlerInstantiator();
      Object shared = handlers == null ? null
          : handlers.deserializerInstance(config, null, KubernetesDeserializer.class);
      return shared instanceof KubernetesDeserializer k ? k : new KubernetesDeserializer();
    }
  }
}

package dev.scaleddemo.operator.keda;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/**
 * KEDA's {@code keda.sh/v1alpha1} ScaledObject (KEDA 2.21), reduced to the fields the operator sets or reads. Its CRD
 * is KEDA's; this project never generates or installs it. Unknown fields are ignored when reading, and unset fields
 * are left out when applying, so server-side apply owns only what the operator sets.
 */
@Group(ScaledObject.GROUP)
@Version("v1alpha1")
@Kind("ScaledObject")
@Plural("scaledobjects")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ScaledObject extends CustomResource<ScaledObject.Spec, ScaledObject.Status> implements Namespaced {
  public static final String GROUP = "keda.sh";
  /** KEDA pauses autoscaling at the current replicas ("true") while this annotation is set. */
  public static final String PAUSED_ANNOTATION = "autoscaling.keda.sh/paused";
  /** KEDA scales to this many replicas and pauses autoscaling while this annotation is set. */
  public static final String PAUSED_REPLICAS_ANNOTATION = "autoscaling.keda.sh/paused-replicas";
  /** KEDA's name for the HPA it makes, unless advanced.horizontalPodAutoscalerConfig.name says otherwise. */
  public static final String HPA_NAME_PREFIX = "keda-hpa-";

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(ScaleTarget scaleTargetRef, Integer pollingInterval, Integer minReplicaCount,
      Integer maxReplicaCount, Advanced advanced, List<Trigger> triggers, Fallback fallback) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ScaleTarget(String apiVersion, String kind, String name) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Advanced(HpaConfig horizontalPodAutoscalerConfig) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HpaConfig(HorizontalPodAutoscalerBehavior behavior) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Trigger(String type, String name, String metricType, Map<String, String> metadata) {}

  /** What KEDA does while a trigger fails: {@code behavior} currentReplicasIfHigher keeps more replicas if there are. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Fallback(Integer failureThreshold, Integer replicas, String behavior) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Status(List<Condition> conditions, String hpaName, Integer pausedReplicaCount) {}
}

package dev.scaleddemo.operator.validation;

import dev.scaleddemo.operator.api.v1alpha1.Formats;
import dev.scaleddemo.operator.api.v1alpha1.OnMetricLossSpec;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppSpec;
import dev.scaleddemo.operator.api.v1alpha1.ScalingSpec;
import dev.scaleddemo.operator.api.v1alpha1.UnreadableSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CRD's rules once more, plus what they cannot say. The API server refuses bad specs at admission; this catches
 * what an older, looser CRD let in (objects stored before a rule existed), so such an app reports InvalidSpec
 * instead of producing children the API server or Prometheus refuse. Never throws.
 */
public final class SpecValidator {
  private static final Pattern DURATION = Pattern.compile(Formats.DURATION);
  private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)(ms|h|m|s)");
  private static final Pattern NAME = Pattern.compile(Formats.DNS_1035_LABEL);
  private static final Pattern LABEL_KEY = Pattern.compile(Formats.LABEL_KEY);
  private static final Pattern LABEL_VALUE = Pattern.compile(Formats.LABEL_VALUE);
  private static final Pattern IPV4 = Pattern.compile("^[0-9]+([.][0-9]+){3}$");
  private static final List<String> RESERVED_COUNTER_ENDINGS =
      List.of("_total_total", "_created_total", "_bucket_total", "_info_total");
  private static final Set<String> SELECT_POLICIES = Set.of("Max", "Min", "Disabled");
  private static final Set<String> POLICY_TYPES = Set.of("Pods", "Percent");

  private SpecValidator() {}

  /** Problems of the app's name and spec, each naming the field; empty when the app can be reconciled. */
  public static List<String> validate(ScaledDemoApp app) {
    List<String> problems = new ArrayList<>();
    String name = app.getMetadata().getName();
    if (name == null || name.length() > Formats.DNS_LABEL_MAX || !NAME.matcher(name).matches()) {
      problems.add("metadata.name '" + name + "' must be at most 63 characters of lower-case letters, digits and"
          + " '-', start with a letter and end with a letter or digit: it names the app's Service and other children");
    }
    problems.addAll(validate(app.getSpec()));
    return problems;
  }

  /** Problems found in a spec, each naming the field; empty when the spec can be reconciled. */
  public static List<String> validate(ScaledDemoAppSpec spec) {
    if (spec instanceof UnreadableSpec unreadable) {
      return List.of(unreadable.problem());
    }
    List<String> problems = new ArrayList<>();
    try {
      scaling(spec, problems);
      resources(spec, problems);
      monitoringAndMetric(spec, problems);
      ingress(spec, problems);
    } catch (RuntimeException e) {
      // a spec shape no rule anticipated (e.g. a null section written under a looser CRD)
      problems.add("spec cannot be validated: " + e);
    }
    return problems;
  }

  private static void scaling(ScaledDemoAppSpec spec, List<String> problems) {
    var scaling = spec.getScaling();
    if (scaling.getMinReplicas() != null && scaling.getMaxReplicas() != null
        && scaling.getMinReplicas() > scaling.getMaxReplicas()) {
      problems.add("spec.scaling.minReplicas (" + scaling.getMinReplicas()
          + ") must not be greater than spec.scaling.maxReplicas (" + scaling.getMaxReplicas() + ")");
    }
    BigDecimal target = quantity(scaling.getTargetClicksPerSecondPerPod());
    if (target == null || target.signum() <= 0) {
      problems.add("spec.scaling.targetClicksPerSecondPerPod must be a positive quantity, got '"
          + scaling.getTargetClicksPerSecondPerPod() + "'");
    }
    Duration window = duration(scaling.getRateWindow());
    Duration interval = duration(spec.getMonitoring().getInterval());
    if (window == null || window.compareTo(Duration.ofSeconds(4)) < 0 || window.compareTo(Duration.ofHours(24)) > 0) {
      problems.add("spec.scaling.rateWindow must be a duration from 4s to 24h such as 2m (units h, m, s, ms in that"
          + " order): '" + scaling.getRateWindow() + "'");
    }
    if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
      problems.add("spec.monitoring.interval must be a duration from 1s to 1h such as 15s (units h, m, s, ms in that"
          + " order): '" + spec.getMonitoring().getInterval() + "'");
    }
    if (window != null && interval != null && window.compareTo(interval.multipliedBy(4)) < 0) {
      problems.add("spec.scaling.rateWindow (" + scaling.getRateWindow()
          + ") must be at least four times spec.monitoring.interval (" + spec.getMonitoring().getInterval() + ")");
    }
    onMetricLoss(scaling, problems);
    var behavior = scaling.getBehavior();
    if (behavior != null) {
      rules("spec.scaling.behavior.scaleUp", behavior.getScaleUp(), problems);
      rules("spec.scaling.behavior.scaleDown", behavior.getScaleDown(), problems);
    }
  }

  private static void onMetricLoss(ScalingSpec scaling, List<String> problems) {
    OnMetricLossSpec loss = scaling.getOnMetricLoss();
    if (loss == null) {
      return;
    }
    Integer fallback = loss.getFallbackReplicas();
    if (loss.getPolicy() == OnMetricLossSpec.Policy.Fallback && fallback == null) {
      problems.add("spec.scaling.onMetricLoss.fallbackReplicas is required when policy is Fallback");
    }
    if (fallback != null && (fallback < 1 || fallback > OnMetricLossSpec.MAX_FALLBACK_REPLICAS)) {
      problems.add("spec.scaling.onMetricLoss.fallbackReplicas (" + fallback + ") must be from 1 to "
          + OnMetricLossSpec.MAX_FALLBACK_REPLICAS);
    } else if (fallback != null && scaling.getMaxReplicas() != null && fallback > scaling.getMaxReplicas()) {
      problems.add("spec.scaling.onMetricLoss.fallbackReplicas (" + fallback
          + ") must not be greater than spec.scaling.maxReplicas (" + scaling.getMaxReplicas() + ")");
    }
    Duration after = duration(loss.getAfter());
    if (after == null || after.compareTo(duration(OnMetricLossSpec.MIN_AFTER)) < 0
        || after.compareTo(duration(OnMetricLossSpec.MAX_AFTER)) > 0) {
      problems.add("spec.scaling.onMetricLoss.after must be a duration from " + OnMetricLossSpec.MIN_AFTER + " to "
          + OnMetricLossSpec.MAX_AFTER + " such as 2m (units h, m, s, ms in that order): '" + loss.getAfter() + "'");
    }
  }

  private static void rules(String field, HPAScalingRules rules, List<String> problems) {
    if (rules == null) {
      return;
    }
    Integer window = rules.getStabilizationWindowSeconds();
    if (window != null && (window < 0 || window > 3600)) {
      problems.add(field + ".stabilizationWindowSeconds (" + window + ") must be from 0 to 3600");
    }
    if (rules.getSelectPolicy() != null && !SELECT_POLICIES.contains(rules.getSelectPolicy())) {
      problems.add(field + ".selectPolicy ('" + rules.getSelectPolicy() + "') must be Max, Min or Disabled");
    }
    if (rules.getTolerance() != null && !nonNegative(rules.getTolerance())) {
      problems.add(field + ".tolerance ('" + rules.getTolerance() + "') must be a non-negative quantity");
    }
    List<HPAScalingPolicy> policies = rules.getPolicies() == null ? List.of() : rules.getPolicies();
    for (int i = 0; i < policies.size(); i++) {
      HPAScalingPolicy p = policies.get(i);
      if (p == null || !POLICY_TYPES.contains(p.getType()) || p.getValue() == null || p.getValue() <= 0
          || p.getPeriodSeconds() == null || p.getPeriodSeconds() <= 0 || p.getPeriodSeconds() > 1800) {
        problems.add(field + ".policies[" + i + "] must have type Pods or Percent, a positive value and"
            + " periodSeconds from 1 to 1800");
      }
    }
  }

  private static void resources(ScaledDemoAppSpec spec, List<String> problems) {
    var resources = spec.getResources();
    if (resources == null) {
      return;
    }
    if (resources.getClaims() != null && !resources.getClaims().isEmpty()) {
      problems.add("spec.resources.claims is not supported: the demo app's Pod declares no resource claims");
    }
    Map<String, Quantity> requests = resources.getRequests() == null ? Map.of() : resources.getRequests();
    Map<String, Quantity> limits = resources.getLimits() == null ? Map.of() : resources.getLimits();
    requests.forEach((k, v) -> {
      if (!nonNegative(v)) {
        problems.add("spec.resources.requests." + k + " ('" + v + "') must be a non-negative quantity such as 100m");
      }
    });
    limits.forEach((k, v) -> {
      if (!nonNegative(v)) {
        problems.add("spec.resources.limits." + k + " ('" + v + "') must be a non-negative quantity such as 128Mi");
      }
    });
    limits.forEach((k, limit) -> {
      BigDecimal request = amount(requests.get(k));
      BigDecimal max = amount(limit);
      if (request != null && max != null && request.compareTo(max) > 0) {
        problems.add("spec.resources.requests." + k + " (" + requests.get(k)
            + ") must not exceed spec.resources.limits." + k + " (" + limit + ")");
      }
    });
  }

  private static void monitoringAndMetric(ScaledDemoAppSpec spec, List<String> problems) {
    String counter = spec.getMetric().getCounter();
    if (counter == null || counter.startsWith("__") || RESERVED_COUNTER_ENDINGS.stream().anyMatch(counter::endsWith)) {
      problems.add("spec.metric.counter ('" + counter + "') must not start with '__' nor end in "
          + String.join(", ", RESERVED_COUNTER_ENDINGS) + " (the Prometheus client refuses those names)");
    }
    Map<String, String> labels = spec.getMonitoring().getServiceMonitorLabels();
    if (labels != null) {
      labels.forEach((k, v) -> {
        if (k == null || k.length() > 317 || !LABEL_KEY.matcher(k).matches() || v == null || v.length() > 63
            || !LABEL_VALUE.matcher(v).matches()) {
          problems.add("spec.monitoring.serviceMonitorLabels '" + k + "': '" + v + "' is not a valid Kubernetes label");
        }
      });
    }
  }

  private static void ingress(ScaledDemoAppSpec spec, List<String> problems) {
    var ingress = spec.getIngress();
    if (ingress == null) {
      return;
    }
    if (ingress.getHost() == null || IPV4.matcher(ingress.getHost()).matches()) {
      problems.add("spec.ingress.host ('" + ingress.getHost() + "') must be a DNS name, not an IP address");
    }
    String path = ingress.getPath();
    if (path == null || !path.startsWith("/") || path.contains("//") || path.contains("/./") || path.contains("/../")
        || path.endsWith("/.") || path.endsWith("/..") || path.toLowerCase(java.util.Locale.ROOT).contains("%2f")) {
      problems.add("spec.ingress.path ('" + path + "') must be a normalised absolute path: no '//', '/./', '/../',"
          + " '%2F' and no trailing '/.' or '/..'");
    }
  }

  private static boolean nonNegative(Quantity q) {
    BigDecimal amount = amount(q);
    return amount != null && amount.signum() >= 0;
  }

  /** The amount of a quantity, or null when it is not a valid quantity (never throws). */
  private static BigDecimal amount(Quantity q) {
    if (q == null) return null;
    try {
      return Quantity.getAmountInBytes(q);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static BigDecimal quantity(String value) {
    if (value == null) return null;
    try {
      return Quantity.getAmountInBytes(new Quantity(value));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Parses the duration grammar the CRD allows (h, m, s, ms, in that order, each at most once); null if invalid. */
  public static Duration duration(String value) {
    if (value == null || value.isEmpty() || !DURATION.matcher(value).matches()) return null;
    Duration d = Duration.ZERO;
    Matcher m = DURATION_PART.matcher(value);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }
    return d;
  }
}

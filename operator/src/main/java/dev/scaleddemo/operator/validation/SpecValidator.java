package dev.scaleddemo.operator.validation;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the operator repeats or can only do itself. The CRD schema and CEL rules refuse most bad specs at
 * admission; this catches what they cannot (requests above limits) and guards against a stale CRD.
 */
public final class SpecValidator {
  private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)(ms|s|m|h)");
  private static final Pattern DURATION = Pattern.compile("^([0-9]+(ms|s|m|h))+$");

  private SpecValidator() {}

  /** Problems found, each naming the field; empty when the spec can be reconciled. */
  public static List<String> validate(ScaledDemoAppSpec spec) {
    List<String> problems = new ArrayList<>();
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
    if (window == null) {
      problems.add("spec.scaling.rateWindow is not a duration such as 2m: '" + scaling.getRateWindow() + "'");
    }
    if (interval == null || interval.isZero()) {
      problems.add("spec.monitoring.interval is not a positive duration such as 15s: '"
          + spec.getMonitoring().getInterval() + "'");
    }
    if (window != null && interval != null && window.compareTo(interval.multipliedBy(4)) < 0) {
      problems.add("spec.scaling.rateWindow (" + scaling.getRateWindow()
          + ") must be at least four times spec.monitoring.interval (" + spec.getMonitoring().getInterval() + ")");
    }
    if (spec.getResources() != null && spec.getResources().getLimits() != null
        && spec.getResources().getRequests() != null) {
      for (Map.Entry<String, Quantity> limit : spec.getResources().getLimits().entrySet()) {
        Quantity request = spec.getResources().getRequests().get(limit.getKey());
        if (request != null && Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(limit.getValue())) > 0) {
          problems.add("spec.resources.requests." + limit.getKey() + " (" + request
              + ") must not exceed spec.resources.limits." + limit.getKey() + " (" + limit.getValue() + ")");
        }
      }
    }
    return problems;
  }

  static BigDecimal quantity(String value) {
    if (value == null) return null;
    try {
      return Quantity.getAmountInBytes(new Quantity(value));
    } catch (IllegalArgumentException | ArithmeticException e) {
      return null;
    }
  }

  /** Parses the Prometheus/Go duration subset the CRD allows (ms, s, m, h, combined). */
  public static Duration duration(String value) {
    if (value == null || !DURATION.matcher(value).matches()) return null;
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

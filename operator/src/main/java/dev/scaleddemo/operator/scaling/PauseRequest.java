package dev.scaleddemo.operator.scaling;

import dev.scaleddemo.operator.api.v1alpha1.Annotations;
import java.util.Map;

/**
 * What the pause annotations ask for: not paused, paused at the current replicas ({@code replicas == null}), paused
 * at a count, or an unreadable value ({@code problem != null}, naming the annotation).
 */
public record PauseRequest(boolean paused, Integer replicas, String problem) {
  public static final PauseRequest NONE = new PauseRequest(false, null, null);

  public static PauseRequest parse(Map<String, String> annotations) {
    if (annotations == null) return NONE;
    String count = annotations.get(Annotations.PAUSED_REPLICAS);
    if (count != null) {
      String trimmed = count.trim();
      // digits only (no sign, no exponent), short enough to parse without overflow
      if (!trimmed.matches("[0-9]{1,4}") || Integer.parseInt(trimmed) > Annotations.MAX_PAUSED_REPLICAS) {
        return invalid("annotation " + Annotations.PAUSED_REPLICAS + " ('" + abbreviate(count)
            + "') must be a replica count from 0 to " + Annotations.MAX_PAUSED_REPLICAS);
      }
      return new PauseRequest(true, Integer.parseInt(trimmed), null);
    }
    String flag = annotations.get(Annotations.PAUSED);
    if (flag == null || flag.trim().equalsIgnoreCase("false")) return NONE;
    if (flag.trim().equalsIgnoreCase("true")) return new PauseRequest(true, null, null);
    return invalid("annotation " + Annotations.PAUSED + " ('" + abbreviate(flag) + "') must be \"true\" or \"false\"");
  }

  private static PauseRequest invalid(String problem) {
    return new PauseRequest(false, null, problem);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}

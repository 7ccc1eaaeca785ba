package dev.scaleddemo.operator;

import java.util.Arrays;

/**
 * The update modes of the drift and golden-file tests ({@code -Dgolden.update=true}, {@code -Dcrds.update=true},
 * {@code -Dship.update=true}, ...): they rewrite a checked-in file from the build, so the comparison after them would
 * compare a file with what was just written. A run in update mode therefore fails after regenerating (it is never a
 * pass), and CI ({@code CI=true}) refuses it outright.
 */
public final class Regeneration {
  private Regeneration() {}

  /** Whether any of {@code flags} ({@code -D<flag>=true}) asks to regenerate; under {@code CI=true}: refused. */
  public static boolean requested(String... flags) {
    return requested(System.getenv(), flags);
  }

  static boolean requested(java.util.Map<String, String> env, String... flags) {
    String on = Arrays.stream(flags).filter(Boolean::getBoolean).findFirst().orElse(null);
    if (on == null) {
      return false;
    }
    if ("true".equalsIgnoreCase(env.get("CI"))) {
      throw new IllegalStateException("-D" + on + "=true rewrites checked-in files and turns this test into a"
          + " no-op; refused under CI=true");
    }
    return true;
  }

  /** Call after regenerating {@code what}: fails, so that an update run is never mistaken for a pass. */
  public static AssertionError regenerated(String what) {
    return new AssertionError("regenerated " + what + ", review and commit, then run again");
  }
}

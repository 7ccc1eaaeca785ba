package dev.scaleddemo.operator.status;

/** What the adapter-rule step found for one app; the status calculator turns it into AdapterRuleSynced. */
public record AdapterRuleState(boolean synced, String reason, String message) {
  public static final String SYNCED = "RuleSynced";
  public static final String NOT_CONFIGURED = "AdapterNotConfigured";
  public static final String CONFIG_NOT_FOUND = "AdapterConfigNotFound";
  public static final String CONFIG_INVALID = "AdapterConfigInvalid";
  public static final String WINDOW_CONFLICT = "RateWindowConflict";
  public static final String DEPLOYMENT_NOT_FOUND = "AdapterDeploymentNotFound";
  public static final String ERROR = "AdapterSyncError";
  public static final String NOT_RUN = "NotReconciled";

  public static AdapterRuleState ok(String message) {
    return new AdapterRuleState(true, SYNCED, message);
  }

  public static AdapterRuleState failed(String reason, String message) {
    return new AdapterRuleState(false, reason, message);
  }
}

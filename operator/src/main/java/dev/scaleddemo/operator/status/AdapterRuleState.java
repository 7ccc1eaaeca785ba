package dev.scaleddemo.operator.status;

import java.time.Duration;

/**
 * What the adapter-rule step found for one app; the status calculator turns it into AdapterRuleSynced.
 * {@code rollIn}: how soon a pending roll makes prometheus-adapter reread its config (null when none is pending):
 * the message says when, so the app is looked at again then, not at the periodic interval.
 */
public record AdapterRuleState(boolean synced, String reason, String message, Duration rollIn) {
  public static final String SYNCED = "RuleSynced";
  /** Someone else's rule in the adapter config already yields the app's metric: the operator adds none. */
  public static final String SERVED_BY_OTHER_RULE = "ServedByExistingRule";
  public static final String NOT_CONFIGURED = "AdapterNotConfigured";
  public static final String CONFIG_NOT_FOUND = "AdapterConfigNotFound";
  public static final String CONFIG_INVALID = "AdapterConfigInvalid";
  public static final String RULE_LIMIT = "AdapterRuleLimitExceeded";
  public static final String CONFIG_TOO_LARGE = "AdapterConfigTooLarge";
  public static final String DEPLOYMENT_NOT_FOUND = "AdapterDeploymentNotFound";
  /** The API server refused the update for a reason retrying will not fix. */
  public static final String CONFIG_REJECTED = "AdapterConfigRejected";
  public static final String ERROR = "AdapterSyncError";
  public static final String NOT_RUN = Conditions.NOT_RECONCILED;
  /** How a message announces a pending roll, followed by its time. */
  public static final String ROLL_PENDING = "prometheus-adapter rereads it at ";

  public static AdapterRuleState ok(String message) {
    return new AdapterRuleState(true, SYNCED, message, null);
  }

  public static AdapterRuleState failed(String reason, String message) {
    return new AdapterRuleState(false, reason, message, null);
  }
}

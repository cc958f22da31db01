import type { SettingsResponse } from '../responses/settings';
import type { TenantSettings } from '../../services/manage-settings';

/** A tenant's settings as the API shows them. */
export const settingsView = (s: TenantSettings): SettingsResponse => ({
  strict_event_types: s.strictEventTypes,
  default_profile: s.defaultProfile,
  retention_days: s.retentionDays,
});

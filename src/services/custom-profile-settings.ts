import { customProfileFromJson, customProfileProblem, type CustomProfileJson, type CustomProfileSettings } from '../domain/custom-profile';
import type { ProfileName } from '../domain/profiles';
import { RESERVED_HEADERS } from '../domain/reserved-headers';
import { CustomProfileError } from '../errors';

const PATH = 'body.custom_profile';

export const customProfileFromBody = (b: CustomProfileJson): CustomProfileSettings => customProfileFromJson(b);

/**
 * The custom settings a webhook on `profile` keeps: those given, else its
 * current ones; null under any other profile. They must be there exactly when
 * the profile is `custom`, and fit its custom headers (`headers`, as they will
 * be after the change). Each problem is refused with its own code.
 */
export function checkedCustomProfile(
  profile: ProfileName,
  given: CustomProfileJson | undefined,
  current: CustomProfileSettings | null,
  headers: Readonly<Record<string, string>>,
): CustomProfileSettings | null {
  if (profile !== 'custom') {
    if (given !== undefined) {
      throw new CustomProfileError('custom_profile_not_allowed', PATH, `applies only to profile custom, not ${profile}`);
    }
    return null;
  }
  const settings = given ? customProfileFromBody(given) : current;
  if (!settings) throw new CustomProfileError('custom_profile_required', PATH, 'is required under profile custom');
  const problem = customProfileProblem(settings, RESERVED_HEADERS, headers);
  if (problem) throw new CustomProfileError(problem.code, `${PATH}.${problem.field}`, problem.message);
  return settings;
}

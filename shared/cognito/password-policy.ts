/**
 * The user pool's password policy (sls/resources/cognito.yml: at least 10 characters, an
 * upper-case letter, a lower-case letter and a digit), for passwords Cognito has not checked
 * itself: a legacy password that fails it is migrated with a forced reset instead of being kept.
 * Change both places together.
 */
const PASSWORD_POLICY = { minLength: 10 } as const;

/** True when `password` satisfies the pool's policy. */
export function meetsPasswordPolicy(password: string): boolean {
  return (
    password.length >= PASSWORD_POLICY.minLength &&
    /[A-Z]/.test(password) &&
    /[a-z]/.test(password) &&
    /[0-9]/.test(password)
  );
}

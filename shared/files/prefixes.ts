/**
 * Every key prefix under which the bucket may hold objects of one user. Account deletion removes
 * whatever lies under each, whatever the key scheme below it: a new place for a user's objects
 * (a staging area for uploads, say) is added here, with its IAM grant on the DeleteMe role.
 */
export const userObjectPrefixes = (sub: string): string[] => [`users/${sub}/`];

/**
 * `$NAME` and `${NAME}` in configured file paths, expanded from the
 * environment, so a config can say `password_file: ${CREDENTIALS_DIRECTORY}/mqtt_password`
 * and systemd's LoadCredential directory (which differs per unit and boot) is found.
 */

/**
 * Expand environment variables in `path`.
 * @throws Error naming `field` and the variable when it is not set.
 */
export function expandEnvPath(path: string, field: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = env[name];
    if (value === undefined || value === "") throw new Error(`${field}: ${path} names $${name}, which is not set`);
    return value;
  });
}

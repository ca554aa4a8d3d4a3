/**
 * `hearth service install|uninstall`: writes the systemd unit from
 * systemd/hearth.service, creates the system user and the config, state and
 * credential directories, and prints every step. `--root DIR` stages the files
 * under DIR and skips user creation and systemctl (for packaging and tests).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface InstallOptions {
  user: string;
  config: string;
  root?: string;
}

/** Render the unit template for this installation. */
export function renderUnit(options: { user: string; config: string; node?: string; projectDir?: string }): string {
  return readFileSync(join(projectRoot, "systemd/hearth.service"), "utf8")
    .replaceAll("@NODE@", options.node ?? process.execPath)
    .replaceAll("@ROOT@", options.projectDir ?? projectRoot)
    .replaceAll("@USER@", options.user)
    .replaceAll("@CONFIG_DIR@", dirname(resolve(options.config)))
    .replaceAll("@CONFIG@", options.config);
}

function run(step: string, command: string, args: string[], staged: boolean, out: string[]): void {
  if (staged) {
    out.push(`skipped (staged install): ${step}: ${command} ${args.join(" ")}`);
    return;
  }
  execFileSync(command, args, { stdio: "pipe" });
  out.push(`${step}: ${command} ${args.join(" ")}`);
}

/** Perform the install; returns the lines describing what was done. */
export function install(options: InstallOptions): string[] {
  const out: string[] = [];
  const staged = options.root !== undefined;
  const at = (path: string) => (options.root ? join(options.root, path) : path);
  if (!staged) {
    let exists = true;
    try {
      execFileSync("id", ["-u", options.user], { stdio: "pipe" });
    } catch {
      exists = false;
    }
    if (!exists) run("created system user", "useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--groups", "audio,video", options.user], staged, out);
    else out.push(`user ${options.user} exists`);
  } else {
    out.push(`skipped (staged install): create system user ${options.user} in groups audio,video`);
  }
  for (const dir of ["/etc/hearth", "/etc/hearth/credentials", "/var/lib/hearth/models", "/var/cache/hearth"]) {
    mkdirSync(at(dir), { recursive: true, mode: dir.includes("credentials") ? 0o700 : 0o755 });
    out.push(`directory ${at(dir)}`);
  }
  const unitPath = at("/etc/systemd/system/hearth.service");
  mkdirSync(dirname(unitPath), { recursive: true });
  writeFileSync(unitPath, renderUnit({ user: options.user, config: options.config }));
  out.push(`wrote ${unitPath}`);
  for (const secret of ["mqtt_password", "picovoice_access_key"]) {
    const path = at(`/etc/hearth/credentials/${secret}`);
    if (!existsSync(path)) {
      writeFileSync(path, "", { mode: 0o600 });
      out.push(`created empty credential ${path} (put the secret there; mode 0600)`);
    }
  }
  if (!existsSync(at(options.config))) out.push(`note: ${at(options.config)} does not exist yet; copy examples/hearth.yaml there`);
  run("reloaded systemd", "systemctl", ["daemon-reload"], staged, out);
  if (projectRoot.startsWith("/home/") || projectRoot.startsWith("/root/")) {
    out.push(`warning: hearth lives in ${projectRoot}, which ProtectHome=yes hides from the service; install it under /opt (e.g. /opt/hearth) first`);
  }
  out.push("enable and start with: systemctl enable --now hearth");
  return out;
}

/** Remove the unit (the user, state and credentials are kept unless `purge`). */
export function uninstall(options: { root?: string; purge: boolean; user: string }): string[] {
  const out: string[] = [];
  const staged = options.root !== undefined;
  const at = (path: string) => (options.root ? join(options.root, path) : path);
  run("stopped service", "systemctl", ["disable", "--now", "hearth"], staged, out);
  rmSync(at("/etc/systemd/system/hearth.service"), { force: true });
  out.push(`removed ${at("/etc/systemd/system/hearth.service")}`);
  if (options.purge) {
    for (const dir of ["/var/lib/hearth", "/var/cache/hearth", "/etc/hearth/credentials"]) {
      rmSync(at(dir), { recursive: true, force: true });
      out.push(`removed ${at(dir)}`);
    }
    run("removed user", "userdel", [options.user], staged, out);
  }
  run("reloaded systemd", "systemctl", ["daemon-reload"], staged, out);
  return out;
}

export function registerServiceCommand(program: Command): void {
  const service = program.command("service").description("install or remove the systemd service");
  service
    .command("install")
    .description("write the systemd unit, create the user and directories")
    .option("--user <name>", "system user to run as", "hearth")
    .option("-c, --config <file>", "config file the service reads", "/etc/hearth/hearth.yaml")
    .option("--root <dir>", "stage the files under DIR instead of / (no user, no systemctl)")
    .action((options: InstallOptions) => {
      for (const line of install(options)) process.stdout.write(line + "\n");
    });
  service
    .command("uninstall")
    .description("remove the systemd unit")
    .option("--user <name>", "system user", "hearth")
    .option("--purge", "also remove state, cache, credentials and the user", false)
    .option("--root <dir>", "staged root, as given to install")
    .action((options: { root?: string; purge: boolean; user: string }) => {
      for (const line of uninstall(options)) process.stdout.write(line + "\n");
    });
}

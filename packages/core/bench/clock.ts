/**
 * The benchmark's clock: CPU time of this process in milliseconds. The machine is shared, so wall
 * time measures the neighbours too; the targets are per instance on one core, which CPU time is.
 */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

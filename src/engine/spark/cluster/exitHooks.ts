/**
 * Stopping what this process started when it ends, for {@link LocalSparkCluster}.
 *
 * @module
 */

/** Something that can be stopped, asynchronously and completely. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Stops the clusters this process owns when it exits: SIGTERM to their groups on `exit` (synchronous, all that
 * `exit` allows), a full stop on SIGINT, SIGTERM and SIGHUP, after which the signal takes its default course
 * unless the program listens for it. Listeners are installed only while a cluster runs.
 */
export const exitHooks = (() => {
  const live = new Map<Stoppable, () => void>();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onExit = (): void => {
    for (const signalAll of live.values()) signalAll();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    void Promise.allSettled([...live.keys()].map((c) => c.stop())).then(() => {
      uninstall();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  const install = (): void => {
    process.on('exit', onExit);
    for (const s of signals) process.on(s, onSignal);
  };
  const uninstall = (): void => {
    process.off('exit', onExit);
    for (const s of signals) process.off(s, onSignal);
  };
  return {
    track(cluster: Stoppable, signalAll: () => void): void {
      if (live.size === 0) install();
      live.set(cluster, signalAll);
    },
    untrack(cluster: Stoppable): void {
      if (live.delete(cluster) && live.size === 0) uninstall();
    },
  };
})();

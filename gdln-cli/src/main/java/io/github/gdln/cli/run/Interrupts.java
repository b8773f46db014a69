package io.github.gdln.cli.run;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns Ctrl-C or a kill (SIGINT/SIGTERM) into an orderly stop: a JVM shutdown hook raises the flag, every active
 * run sees it at its next epoch boundary ({@code Trainer.Listener.stopAfter}), writes a checkpoint, marks its folder
 * interrupted, and deregisters; the hook waits (up to a limit) until no run is active, so the JVM exits only after
 * the checkpoints are on disk.
 */
public final class Interrupts {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicInteger active = new AtomicInteger();
    private final Object lock = new Object();
    private volatile Thread hook;

    /** Whether a stop was requested. */
    public boolean requested() {
        return requested.get();
    }

    /** Requests a stop (the shutdown hook does this; tests may too). */
    public void request() {
        requested.set(true);
    }

    /** Installs the shutdown hook once. */
    public synchronized void installHook(long waitMillis) {
        if (hook != null) {
            return;
        }
        hook = new Thread(() -> {
            request();
            long deadline = System.currentTimeMillis() + waitMillis;
            synchronized (lock) {
                while (active.get() > 0 && System.currentTimeMillis() < deadline) {
                    try {
                        lock.wait(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "gdln-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Removes the hook (end of a normal command, so tests in one JVM do not accumulate hooks). */
    public synchronized void removeHook() {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
            hook = null;
        }
    }

    /** Marks a run active. */
    public void enter() {
        active.incrementAndGet();
    }

    /** Marks a run finished (its folder is in a final state). */
    public void exit() {
        active.decrementAndGet();
        synchronized (lock) {
            lock.notifyAll();
        }
    }
}

package io.squadron.infra.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Signals, waits and memory figures for a process and its descendants (Linux). */
public final class Processes {
    private Processes() {}

    /** The process and all its descendants, parents first. */
    public static List<ProcessHandle> tree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        all.addAll(root.descendants().collect(Collectors.toList()));
        return all;
    }

    /** Sends {@code signal} (a name such as {@code STOP} or {@code CONT}) to every process of the tree. */
    public static void signalTree(ProcessHandle root, String signal) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        for (ProcessHandle p : tree(root)) {
            command.add(Long.toString(p.pid()));
        }
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + root.pid() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill -" + signal + " " + root.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + root.pid(), e);
        }
    }

    /** SIGKILLs the whole tree (a stopped process dies too) and waits briefly for it to be gone. */
    public static void killTree(ProcessHandle root) {
        List<ProcessHandle> all = tree(root);
        all.forEach(ProcessHandle::destroyForcibly);
        awaitExit(all, 10_000);
    }

    /**
     * Asks the root to stop (SIGTERM), waits up to {@code graceMillis} for the tree to exit, then SIGKILLs what is
     * left.
     */
    public static void terminateTree(ProcessHandle root, long graceMillis) {
        List<ProcessHandle> all = tree(root);
        root.destroy();
        if (!awaitExit(List.of(root), graceMillis)) {
            killTree(root);
        }
        all.forEach(p -> {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        });
        awaitExit(all, 5_000);
    }

    /** Waits until every process has exited; returns false if some are still alive after {@code millis}. */
    public static boolean awaitExit(List<ProcessHandle> processes, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (ProcessHandle p : processes) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !waitFor(p, left)) {
                    return !processes.stream().anyMatch(ProcessHandle::isAlive);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static boolean waitFor(ProcessHandle p, long nanos) throws InterruptedException {
        try {
            p.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !p.isAlive();
        }
    }

    /** The sum of {@code VmHWM} (peak resident set) over the tree, in bytes; 0 where /proc cannot be read. */
    public static long peakRssBytes(ProcessHandle root) {
        long kb = 0;
        for (ProcessHandle p : tree(root)) {
            kb += statusKb(p.pid(), "VmHWM:");
        }
        return kb * 1024;
    }

    private static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process is gone or /proc is not there.
        }
        return 0;
    }

    /** Whether this JVM runs as root (uid 0), read from /proc/self/status. */
    public static boolean runningAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).trim().split("\\s+")[0].equals("0");
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "root".equals(System.getProperty("user.name"));
    }
}

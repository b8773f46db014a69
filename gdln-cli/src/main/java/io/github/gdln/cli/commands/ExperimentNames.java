package io.github.gdln.cli.commands;

import io.github.gdln.cli.config.Experiments;
import java.util.Iterator;

/** Completion candidates: the built-in experiment names. */
public final class ExperimentNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Experiments.builtIn(ExperimentNames.class.getClassLoader()).all().stream()
                .map(Experiments.Source::name).iterator();
    }
}
